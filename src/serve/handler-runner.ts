import type { App } from "../app.js";
import { errorMessage } from "../errors.js";
import { describeRun } from "../handlers/describe-run.js";
import { runNow } from "../handlers/run-now.js";

/**
 * Runs the handler runs a decision made in the browser created, right away and in the background (the page does
 * not wait for a webhook), as the CLI commands do in the foreground. Each run is claimed atomically, so a daemon
 * running at the same time never runs it too; what fails waits for its retry in the outbox.
 */
export class HandlerRunner {
  private readonly active = new Set<Promise<void>>();

  constructor(private readonly app: App) {}

  start(documentIds: readonly number[]): void {
    if (documentIds.length === 0) return;
    const task = runNow(this.app, documentIds, "serve")
      .then((runs) => {
        for (const run of runs) this.app.logger.info(describeRun(run));
      })
      .catch((error: unknown) =>
        this.app.logger.error(`handler runs failed to start: ${errorMessage(error)}`),
      )
      .finally(() => this.active.delete(task));
    this.active.add(task);
  }

  /** Resolves when every run started here has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}

import type { App } from "../app.js";
import { runNow } from "../handlers/run-now.js";
import { markFailedRuns } from "./exit-status.js";
import { printLine } from "./output/print.js";
import { startProgress } from "./output/progress.js";

/**
 * A command that routed documents runs their handler runs right away, so the user sees the outcome without a
 * daemon; what fails stays in the outbox and is retried by `docsort watch` (or `docsort retry`).
 */
export async function runRoutedHandlers(
  app: App,
  documentIds: readonly number[],
  command: string,
  quiet = false,
): Promise<void> {
  if (documentIds.length === 0) return;
  const progress = startProgress("running handlers");
  const runs = await runNow(app, documentIds, command, () => progress.tick()).finally(() => progress.done());
  const failed = markFailedRuns(runs);
  if (quiet || runs.length === 0) return;
  printLine(
    `${runs.length} handler run${runs.length === 1 ? "" : "s"}: ${runs.length - failed} succeeded` +
      (failed > 0 ? `, ${failed} failed (see docsort runs)` : ""),
  );
}

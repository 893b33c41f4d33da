import { errorMessage } from "../errors.js";
import { nowIso } from "../store/clock.js";
import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import { type ExecuteDeps, executeRun } from "./execute-run.js";
import { recoverRuns } from "./recover-runs.js";

export interface OutboxWorkerOptions extends ExecuteDeps {
  /** This process's id in `instances`: runs it takes are claimed by it. */
  owner: string;
  onFinished?: (run: HandlerRunRecord) => void;
  /** Only runs of these documents (CLI commands run what they created); all runs by default. */
  documentIds?: readonly number[];
}

const RECOVER_EVERY_MS = 30_000;

/**
 * The outbox's consumer: claims due runs (atomically, so a daemon and a CLI command never run one twice), runs up
 * to `outbox.concurrency` at once, never two runs of the same document at the same time.
 */
export class OutboxWorker {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private lastRecovery = Date.now();
  private stopped = false;

  constructor(private readonly options: OutboxWorkerOptions) {}

  start(): void {
    const every = this.options.services.config.outbox.pollIntervalMs;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
    this.wake();
  }

  /** New runs may be due (a document was routed, an invoice approved). */
  wake(): void {
    if (this.stopped || this.options.storage?.paused) return;
    const limit = this.options.services.config.outbox.concurrency;
    while (this.running.size < limit) {
      let run: HandlerRunRecord | undefined;
      try {
        run = this.claim();
      } catch (error) {
        if (!this.options.storage?.pause(error))
          this.options.services.logger.error(`cannot take a handler run: ${errorMessage(error)}`);
        return;
      }
      if (!run) return;
      this.track(run);
    }
  }

  /** Runs everything that is due now, and what those runs fire, then resolves. Later retries are left waiting. */
  async drain(): Promise<void> {
    for (;;) {
      this.wake();
      if (this.running.size === 0) return;
      await Promise.race(this.running);
    }
  }

  /** Stops claiming; runs in flight are cancelled and go back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.controller.abort();
    await Promise.allSettled([...this.running]);
  }

  private tick(): void {
    if (Date.now() - this.lastRecovery > RECOVER_EVERY_MS) {
      this.lastRecovery = Date.now();
      try {
        recoverRuns(this.options.services.store, this.options.services.logger);
      } catch (error) {
        this.options.services.logger.error(`recovering handler runs failed: ${errorMessage(error)}`);
      }
    }
    this.wake();
  }

  private claim(): HandlerRunRecord | undefined {
    const { store } = this.options.services;
    const now = nowIso();
    const ids = this.options.documentIds;
    if (!ids) return store.handlerRuns.claimNextDue(this.options.owner, now);
    for (const run of ids.flatMap((id) => store.handlerRuns.forDocument(id))) {
      const claimed = store.handlerRuns.claim(run.id, this.options.owner, now);
      if (claimed) return claimed;
    }
    return undefined;
  }

  private track(run: HandlerRunRecord): void {
    const work = executeRun(this.options, run, this.controller.signal)
      .then((after) => this.options.onFinished?.(after))
      .catch((error: unknown) => {
        this.options.services.logger.error(
          `handler run #${run.id} could not be recorded: ${errorMessage(error)}`,
        );
      })
      .finally(() => {
        this.running.delete(work);
        this.wake();
      });
    this.running.add(work);
  }
}

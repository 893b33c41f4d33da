import type { Logger } from "../../log/logger.js";
import { nowIso } from "../../store/clock.js";
import type { Store } from "../../store/store.js";

/**
 * One log line per fault, not one per retry: a fault is logged when it first happens or changes, and the
 * recovery once; every attempt is recorded as the folder's state in the store.
 */
export class FaultReporter {
  private last: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly account: string,
    private readonly folders: readonly string[],
  ) {}

  fault(message: string): void {
    const now = nowIso();
    for (const folder of this.folders) this.store.mailFolders.markError(this.account, folder, message, now);
    if (message !== this.last) this.logger.error(`mail ${this.account}: ${message}`);
    this.last = message;
  }

  ok(folder: string): void {
    this.store.mailFolders.markOk(this.account, folder, nowIso());
    if (this.last !== undefined) this.logger.info(`mail ${this.account}: working again`);
    this.last = undefined;
  }
}

import type { Logger } from "../log/logger.js";
import { liveInstances } from "../pipeline/instance-registry.js";
import { nowIso } from "../store/clock.js";
import type { Store } from "../store/store.js";

/**
 * Runs left `running` by a process that is gone (crash, kill -9, power loss) are due again. Their attempt counts:
 * the side effect may or may not have happened, which is why receivers get a stable delivery id.
 */
export function recoverRuns(store: Store, logger: Logger): number {
  const orphans = store.handlerRuns.listOrphaned(liveInstances(store));
  const now = nowIso();
  for (const run of orphans) {
    store.handlerRuns.release(
      run.id,
      "interrupted: the docsort process running it stopped; it runs again",
      now,
    );
  }
  if (orphans.length > 0)
    logger.info(`re-queued ${orphans.length} handler run(s) left running by an earlier run`);
  return orphans.length;
}

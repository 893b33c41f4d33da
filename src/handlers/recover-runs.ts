import type { Logger } from "../log/logger.js";
import { isoAfter, nowIso } from "../store/clock.js";
import type { Store } from "../store/store.js";

const STALE_MS = 30_000;

/**
 * Runs left `running` by a process that is gone (crash, kill -9, power loss) are due again. Their attempt counts:
 * the side effect may or may not have happened, which is why receivers get a stable delivery id.
 */
export function recoverRuns(store: Store, logger: Logger): number {
  const staleBefore = isoAfter(-STALE_MS);
  const live = store.instances
    .all()
    .filter((instance) => instance.heartbeatAt >= staleBefore && pidAlive(instance.pid))
    .map((instance) => instance.id);
  const orphans = store.handlerRuns.listOrphaned(live);
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

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

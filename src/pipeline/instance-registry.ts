import { randomUUID } from "node:crypto";
import type { Logger } from "../log/logger.js";
import { isoAfter, nowIso } from "../store/clock.js";
import type { Store } from "../store/store.js";
import { recordInterruption } from "./retry-later.js";

const HEARTBEAT_MS = 5000;
const STALE_MS = 30_000;

export interface InstanceLease {
  id: string;
  release(): void;
}

/** Registers this process as a holder of documents and keeps its heartbeat fresh. */
export function registerInstance(store: Store, command: string): InstanceLease {
  const id = randomUUID();
  const now = nowIso();
  store.instances.register({ id, pid: process.pid, command, startedAt: now, heartbeatAt: now });
  const timer = setInterval(() => {
    try {
      store.instances.heartbeat(id, nowIso());
    } catch {
      // the database is closing; the next start recovers anything this process held
    }
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    release() {
      clearInterval(timer);
      store.instances.remove(id);
    },
  };
}

/**
 * Documents held by a process that died (kill -9, power loss) go back to the queue. A process counts as gone
 * when its pid no longer exists or its heartbeat is stale.
 */
export function recoverOrphans(store: Store, logger: Logger, maxInterruptions: number): number {
  const orphans = store.documents.listOrphaned(liveInstances(store));
  for (const document of orphans) {
    if (document.status === "extracting" || document.status === "classifying") {
      const after = recordInterruption(
        store,
        document,
        "crash",
        `docsort stopped while the document was ${document.status}`,
        maxInterruptions,
      );
      if (after.status === "quarantined")
        logger.warn(`document #${document.id} (${document.name}) quarantined: ${after.reason}`);
    } else {
      store.documents.release(document.id, nowIso());
    }
  }
  if (orphans.length > 0)
    logger.info(`resumed ${orphans.length} document(s) left in progress by an earlier run`);
  return orphans.length;
}

/** Ids of the docsort processes that are still running; the registrations of gone ones are removed. */
export function liveInstances(store: Store): string[] {
  const staleBefore = isoAfter(-STALE_MS);
  const live: string[] = [];
  for (const instance of store.instances.all()) {
    if (instance.heartbeatAt >= staleBefore && pidAlive(instance.pid)) live.push(instance.id);
    else store.instances.remove(instance.id);
  }
  return live;
}

/** Whether a process with this id exists (EPERM: it does, it belongs to another user). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

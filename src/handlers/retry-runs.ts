import { UsageError } from "../errors.js";
import { nowIso } from "../store/clock.js";
import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import type { Store } from "../store/store.js";

/** The run a person asked to retry; refused when it does not exist, succeeded or is running right now. */
export function runToRetry(store: Store, id: number): HandlerRunRecord {
  const run = store.handlerRuns.get(id);
  if (!run) throw new UsageError(`there is no handler run #${id} (see docsort runs).`);
  if (run.status === "succeeded")
    throw new UsageError(`run #${run.id} succeeded; there is nothing to retry.`);
  if (run.status === "running") throw new UsageError(`run #${run.id} is running right now.`);
  return run;
}

/** Back to the outbox, due now, with a fresh set of attempts; returns the runs as re-queued. */
export function requeueRuns(store: Store, runs: readonly HandlerRunRecord[]): HandlerRunRecord[] {
  return store.transaction(() =>
    store.handlerRuns.requeue(
      runs.map((r) => r.id),
      nowIso(),
    ),
  );
}

import type { DocumentRecord } from "../store/documents-repo.js";
import type { PipelineContext, StageOutcome } from "./context.js";

/** Back to the queue, unclaimed, with the reason it waits. Nothing it has done so far is lost. */
export function requeue(
  ctx: PipelineContext,
  document: DocumentRecord,
  event: string,
  reason: string,
  nextAttemptAt: string | null = null,
): StageOutcome {
  const after = ctx.store.transition(document.id, {
    to: "queued",
    event,
    reason,
    patch: { claimedBy: null, nextAttemptAt },
  });
  return { kind: "requeued", document: after };
}

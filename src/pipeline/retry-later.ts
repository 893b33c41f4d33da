import { isoAfter, nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { backoffDelay } from "./backoff.js";
import type { PipelineContext, StageOutcome } from "./context.js";

/**
 * The model failed on this document (5xx, timeout, broken stream, an unusable answer) after the immediate
 * retries. It waits — minutes, then hours (`reliability.modelRetryBaseMs`, doubling, capped) — and is tried
 * again automatically, behind fresh work. Only after `modelFailOccasions` separate failures spread over at least
 * `modelFailAfterMs` is it `failed`; every occasion is an event with its reason, so `docsort show` lists them.
 */
export function retryAfterModelFailure(
  ctx: PipelineContext,
  document: DocumentRecord,
  reason: string,
  data: Record<string, unknown> = {},
): StageOutcome {
  const { reliability } = ctx.config;
  const now = new Date();
  const occasions = document.modelFailures + 1;
  const firstAt = document.firstModelFailureAt ?? nowIso(now);
  const spreadMs = now.getTime() - Date.parse(firstAt);
  const counters = { modelFailures: occasions, firstModelFailureAt: firstAt, claimedBy: null };
  if (occasions >= reliability.modelFailOccasions && spreadMs >= reliability.modelFailAfterMs) {
    const final = `${reason} (the model failed on this document ${occasions} times over ${duration(spreadMs)}; docsort show ${document.id} lists every attempt, docsort requeue ${document.id} tries again)`;
    ctx.logger.error(`document #${document.id} (${document.name}) failed: ${final}`);
    const after = ctx.store.transition(document.id, {
      to: "failed",
      reason: final,
      data: { ...data, occasion: occasions },
      patch: counters,
    });
    return { kind: "finished", document: after };
  }
  const next = isoAfter(
    backoffDelay(occasions - 1, reliability.modelRetryBaseMs, reliability.modelRetryMaxMs),
    now,
  );
  ctx.logger.info(
    `document #${document.id} (${document.name}): ${reason}; tried ${occasions} time(s), next try at ${next}`,
  );
  const after = ctx.store.transition(document.id, {
    to: "queued",
    event: "model_failed",
    reason: `${reason}; tried ${occasions} time(s), next try at ${next}`,
    message: reason,
    data: { ...data, occasion: occasions, nextAttemptAt: next },
    patch: { ...counters, nextAttemptAt: next },
  });
  return { kind: "requeued", document: after };
}

export type InterruptionCause = "crash" | "timeout";

/**
 * docsort stopped (crash, kill) or the extraction ran out of time while working on the document. The interruption is counted; the
 * document goes back to the queue behind fresh work, or — at `reliability.maxInterruptions` — is quarantined so
 * a document that kills docsort (or never finishes) cannot block everything else on every start.
 */
export function recordInterruption(
  store: Store,
  document: DocumentRecord,
  cause: InterruptionCause,
  detail: string,
  maxInterruptions: number,
): DocumentRecord {
  const interruptions = document.interruptions + 1;
  if (interruptions >= maxInterruptions) {
    return store.transition(document.id, {
      to: "quarantined",
      reason: `${detail} (${interruptions} times); quarantined so it cannot block the rest — docsort requeue ${document.id} tries again`,
      data: { code: "interrupted", cause, interruptions },
      patch: { interruptions, claimedBy: null, nextAttemptAt: null },
    });
  }
  return store.transition(document.id, {
    to: "queued",
    event: "resumed",
    reason: `${detail}; tried again behind new documents (${interruptions} of ${maxInterruptions})`,
    data: { cause, interruptions },
    // a retried document goes behind fresh work: the claim order puts documents without a time first
    patch: { interruptions, claimedBy: null, nextAttemptAt: nowIso() },
  });
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

import type { ClassificationDecision } from "../classify/document-classifier.js";
import { InvalidModelOutputError, ModelCallError } from "../classify/model-errors.js";
import { errorMessage } from "../errors.js";
import { routeDocument } from "../route/route-document.js";
import { isoAfter, nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { PipelineContext, StageOutcome } from "./context.js";
import { requeue } from "./requeue.js";
import { retryAfterModelFailure } from "./retry-later.js";

/** A document held back by an open breaker is looked at again no sooner than this. */
const MIN_BREAKER_WAIT_MS = 2000;

const WAITING_FOR_MODEL = "waiting for the model";

/** `model_last_ok_at` is rewritten at most this often: only whether the model was ever reached is read. */
const MODEL_OK_EVERY_MS = 60_000;
const modelOkWritten = new WeakMap<PipelineContext["store"], number>();

/** classifying → done / needs_review / failed; back to queued while the model is unavailable. */
export async function runClassification(
  ctx: PipelineContext,
  document: DocumentRecord,
  signal: AbortSignal,
): Promise<StageOutcome> {
  const { store } = ctx;
  if (!ctx.gate.isOpen())
    return requeue(ctx, document, "waiting", `${WAITING_FOR_MODEL}: ${ctx.gate.reason}`);
  const extraction = store.extractions.latest(document.id);
  if (!extraction) return requeue(ctx, document, "requeued", "no stored text; extracting again");
  const current = countAttempt(ctx, document);

  let decision: ClassificationDecision;
  try {
    decision = await ctx.classifier.classify(
      { documentId: current.id, name: current.name, text: extraction.text },
      signal,
    );
  } catch (error) {
    return onError(ctx, current, error, signal);
  }
  ctx.gate.markReachable();
  return { kind: "finished", document: recordDecision(ctx, current, decision) };
}

/** The attempt is counted before it starts, so a document that kills docsort cannot hide its tries. */
function countAttempt(ctx: PipelineContext, document: DocumentRecord): DocumentRecord {
  const patch = { claimedBy: ctx.owner, attempts: document.attempts + 1 };
  if (document.status !== "classifying")
    return ctx.store.transition(document.id, { to: "classifying", patch });
  return ctx.store.documents.update(document.id, patch, nowIso()) ?? document;
}

function recordDecision(ctx: PipelineContext, document: DocumentRecord, decision: ClassificationDecision) {
  const { store, config } = ctx;
  const { reviewReason, ...stored } = decision;
  const lowConfidence = decision.confidence < config.review.minConfidence;
  const why =
    reviewReason ??
    (lowConfidence
      ? `low confidence (${decision.confidence.toFixed(2)} < ${config.review.minConfidence})`
      : undefined);
  // A built-in fallback answer does not mean the model was reached (model.fallback "auto" relies on this key).
  const markModelOk =
    decision.source === "llm" && Date.now() - (modelOkWritten.get(store) ?? 0) >= MODEL_OK_EVERY_MS;
  // the answer, the transition and the routing commit together: one write per document, not three
  const finished = store.transaction(() => {
    if (markModelOk) store.meta.set("model_last_ok_at", nowIso());
    store.classifications.add(
      {
        ...stored,
        documentId: document.id,
        actor: null,
        note: null,
        details: { ...stored.details, reviewReason: why },
      },
      nowIso(),
    );
    const classified = store.transition(document.id, {
      to: why ? "needs_review" : "routing",
      event: "classified",
      reason: why ?? null,
      message: `${decision.category} ${decision.confidence.toFixed(2)} (${decision.source})`,
      data: { category: decision.category, confidence: decision.confidence, source: decision.source },
      patch: why ? { claimedBy: null } : {},
    });
    return classified.status === "routing" ? routeDocument(store, classified.id).document : classified;
  });
  if (markModelOk) modelOkWritten.set(store, Date.now());
  return finished;
}

function onError(
  ctx: PipelineContext,
  document: DocumentRecord,
  error: unknown,
  signal: AbortSignal,
): StageOutcome {
  if (signal.aborted) return requeue(ctx, document, "interrupted", "docsort stopped during classification");
  if (error instanceof ModelCallError && error.kind === "unavailable") {
    ctx.gate.close(error.message);
    return requeue(ctx, document, "waiting", `${WAITING_FOR_MODEL}: ${error.message}`);
  }
  if (error instanceof ModelCallError && error.kind === "circuit_open") {
    const at = Math.max(error.retryAt ?? 0, Date.now() + MIN_BREAKER_WAIT_MS);
    return requeue(
      ctx,
      document,
      "waiting",
      `${WAITING_FOR_MODEL}: ${error.message}`,
      isoAfter(at - Date.now()),
    );
  }
  if (error instanceof InvalidModelOutputError)
    return retryAfterModelFailure(ctx, document, error.message, { rawOutputs: error.rawOutputs });
  if (error instanceof ModelCallError && error.kind === "transient")
    return retryAfterModelFailure(ctx, document, error.message);
  const reason =
    error instanceof ModelCallError ? error.message : `classification failed: ${errorMessage(error)}`;
  const data: Record<string, unknown> = {};
  ctx.logger.error(`document #${document.id} (${document.name}) failed: ${reason}`);
  const after = ctx.store.transition(document.id, { to: "failed", reason, data, patch: { claimedBy: null } });
  return { kind: "finished", document: after };
}

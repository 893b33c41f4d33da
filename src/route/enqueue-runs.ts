import type { DocumentRecord } from "../store/documents-repo.js";
import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import type { HandlerTrigger } from "../store/handler-triggers.js";
import type { Store } from "../store/store.js";
import { idempotencyKey } from "./idempotency-key.js";

export interface RunRequest {
  document: DocumentRecord;
  trigger: HandlerTrigger;
  category: string;
  confidence: number;
  classificationId: number | null;
  invoiceId: number | null;
}

export interface EnqueueOutcome {
  /** Runs written now. */
  created: HandlerRunRecord[];
  /** Runs that already existed for this decision (not written again). */
  existing: HandlerRunRecord[];
  /** Handlers of this trigger that do not fire, with the reason. */
  notFired: { handler: string; reason: string }[];
}

/** Writes one outbox row per handler that fires. Call it inside the transaction that records the decision. */
export function enqueueRuns(store: Store, request: RunRequest, now: string): EnqueueOutcome {
  const outcome: EnqueueOutcome = { created: [], existing: [], notFired: [] };
  for (const match of store.handlers.match(request.trigger, request.category, request.confidence)) {
    const { handler } = match;
    if (!match.fires) {
      outcome.notFired.push({ handler: handler.name, reason: match.reason });
      continue;
    }
    const key = idempotencyKey({
      contentHash: request.document.sha256,
      handler: handler.name,
      configVersion: handler.configVersion,
      category: request.category,
      trigger: request.trigger,
    });
    const created = store.handlerRuns.insertIfNew(
      {
        documentId: request.document.id,
        invoiceId: request.invoiceId,
        handlerId: handler.id,
        handlerName: handler.name,
        handlerKind: handler.kind,
        configVersion: handler.configVersion,
        position: handler.position,
        trigger: request.trigger,
        category: request.category,
        classificationId: request.classificationId,
        idempotencyKey: key,
      },
      now,
    );
    if (created) outcome.created.push(created);
    else {
      const existing = store.handlerRuns.byKey(key);
      if (existing) outcome.existing.push(existing);
    }
  }
  return outcome;
}

/** For events and `show`: what routing did, in a few words. */
export function describeEnqueue(outcome: EnqueueOutcome): string {
  const parts: string[] = [];
  if (outcome.created.length > 0)
    parts.push(`queued ${outcome.created.map((r) => `${r.handlerName} (run #${r.id})`).join(", ")}`);
  if (outcome.existing.length > 0)
    parts.push(
      `already queued or done: ${outcome.existing.map((r) => `${r.handlerName} (run #${r.id})`).join(", ")}`,
    );
  if (parts.length === 0) parts.push("no handler fired");
  return parts.join("; ");
}

export function enqueueData(outcome: EnqueueOutcome): Record<string, unknown> {
  return {
    runs: outcome.created.map((r) => ({ id: r.id, handler: r.handlerName, kind: r.handlerKind })),
    existing: outcome.existing.map((r) => ({ id: r.id, handler: r.handlerName, status: r.status })),
    notFired: outcome.notFired,
  };
}

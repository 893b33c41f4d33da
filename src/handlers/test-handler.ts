import { errorMessage } from "../errors.js";
import { idempotencyKey } from "../route/idempotency-key.js";
import { nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { HandlerRecord } from "../store/handlers-repo.js";
import { dryRunEffects } from "./dry-run-effects.js";
import { type ExecuteDeps, resolveHandler } from "./execute-run.js";
import { buildEvent } from "./handler-event.js";
import { HandlerFailure } from "./handler-kind.js";

export interface DryRunReport {
  handler: string;
  kind: string;
  document: number;
  trigger: string;
  category: string;
  ok: boolean;
  /** What the handler would do, one effect per entry. */
  effects: string[];
  summary: string;
  /** When it would fail: whether the outbox would retry. */
  wouldRetry: boolean | null;
}

/** `handlers test`: the handler's real code with effects that only record. Nothing is written or sent. */
export async function testHandler(
  deps: ExecuteDeps,
  handler: HandlerRecord,
  document: DocumentRecord,
): Promise<DryRunReport> {
  const { store } = deps.services;
  const classification = store.classifications.current(document.id);
  const category = classification?.category ?? "unclassified";
  const base = {
    handler: handler.name,
    kind: handler.kind,
    document: document.id,
    trigger: handler.trigger,
    category,
  };
  const resolved = resolveHandler(deps, handler, handler.name);
  if (!resolved.ok) return { ...base, ok: false, effects: [], summary: resolved.problem, wouldRetry: false };
  const effects = dryRunEffects(store);
  const event = buildEvent(store, {
    trigger: handler.trigger,
    handler: handler.name,
    documentId: document.id,
    invoiceId: null,
    classificationId: classification?.id ?? null,
    category,
    deliveryId: idempotencyKey({
      contentHash: document.sha256,
      handler: handler.name,
      configVersion: handler.configVersion,
      category,
      trigger: handler.trigger,
    }),
    runId: null,
    attempt: 1,
    redelivery: false,
    occurredAt: nowIso(),
  });
  try {
    const outcome = await resolved.kind.run({
      config: resolved.config,
      event,
      effects,
      services: deps.services,
      signal: new AbortController().signal,
    });
    return { ...base, ok: true, effects: effects.journal, summary: outcome.summary, wouldRetry: null };
  } catch (error) {
    const retry = error instanceof HandlerFailure ? error.retry : true;
    return { ...base, ok: false, effects: effects.journal, summary: errorMessage(error), wouldRetry: retry };
  }
}

import { NO_MODEL_CALL } from "../classify/document-classifier.js";
import { UsageError } from "../errors.js";
import { type RouteResult, routeDocument } from "../route/route-document.js";
import type { ClassificationRecord } from "../store/classifications-repo.js";
import { nowIso } from "../store/clock.js";
import type { DocumentStatus } from "../store/document-status.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { syncConfirmedExample } from "./confirmed-examples.js";
import { type DecisionKind, isHumanDecision, undoneId } from "./decision-details.js";

export interface DecisionRequest {
  actor: string;
  note?: string | undefined;
}

export interface DecisionOutcome {
  document: DocumentRecord;
  classification: ClassificationRecord;
  /** False when the document was already confirmed with this category: nothing was written. */
  changed: boolean;
  /** Set when the decision sent the document to its handlers. */
  route: RouteResult | undefined;
}

export interface UndoOutcome {
  document: DocumentRecord;
  undone: ClassificationRecord;
  restored: ClassificationRecord;
}

const DECIDABLE: ReadonlySet<DocumentStatus> = new Set(["needs_review", "done", "failed", "quarantined"]);

/** Confirms the current category: a `human` row, and routing if the document was waiting for a person. */
export function acceptDocument(store: Store, id: number, request: DecisionRequest): DecisionOutcome {
  const document = decidableDocument(store, id);
  const current = store.classifications.current(id);
  if (!current) {
    throw new UsageError(
      `document #${id} has no category to accept (${document.reason ?? document.status}); use docsort set ${id} CATEGORY.`,
    );
  }
  return decide(store, document, current, current.category, "accept", request);
}

/** Sets the category a person chose; a changed category is routed to the handlers of the new one. */
export function setCategory(
  store: Store,
  id: number,
  category: string,
  categories: readonly string[],
  request: DecisionRequest,
): DecisionOutcome {
  if (!categories.includes(category)) {
    throw new UsageError(`"${category}" is not a category; choose one of ${categories.join(", ")}.`);
  }
  const document = decidableDocument(store, id);
  const current = store.classifications.current(id);
  return decide(store, document, current, category, "set", request);
}

/**
 * Undoes the newest human decision still in force: appends a row that restores the classification before it
 * (never deletes), and puts the document back in the review queue. Handlers that already ran are not reversed.
 */
export function undoDecision(store: Store, id: number, request: DecisionRequest): UndoOutcome {
  decidableDocument(store, id);
  const history = store.classifications.history(id);
  const undoneIds = new Set(history.map(undoneId).filter((n): n is number => n !== undefined));
  const index = history.findLastIndex((c) => isHumanDecision(c) && !undoneIds.has(c.id));
  const undone = history[index];
  if (index < 0 || !undone) throw new UsageError(`document #${id} has no human decision to undo.`);
  const previous = index > 0 ? history[index - 1] : undefined;
  // the document had no category before (its model answer failed, it had no text): there is none to restore
  if (!previous)
    throw new UsageError(
      `document #${id} had no category before ${undone.actor ?? "a person"} set it to ${undone.category}; there is nothing to go back to. To change it, use docsort set ${id} CATEGORY.`,
    );
  return store.transaction(() => {
    const now = nowIso();
    const base = previous;
    const { decision: _decision, ...previousDetails } = base.details;
    const restored = store.classifications.add(
      {
        ...base,
        details: {
          ...previousDetails,
          undoneClassificationId: undone.id,
          restoredClassificationId: previous.id,
        },
        actor: request.actor,
        note: request.note ?? null,
      },
      now,
    );
    syncConfirmedExample(store, id);
    const cancelled = store.handlerRuns.cancelUnstarted(undone.id);
    if (cancelled.length > 0) {
      store.events.add(
        {
          documentId: id,
          type: "runs_cancelled",
          message: `not started, cancelled with the decision: ${cancelled.map((r) => r.handlerName).join(", ")}`,
          data: { runs: cancelled.map((r) => r.id) },
        },
        now,
      );
    }
    const after = store.transition(id, {
      to: "needs_review",
      event: "decision_undone",
      reason: `decision undone by ${request.actor}; decide again`,
      message: `${undone.category} (${undone.actor ?? "human"}) undone; back to ${restored.category} (${restored.source})`,
      data: { undoneClassificationId: undone.id, restoredClassificationId: previous.id },
      patch: { claimedBy: null },
    });
    return { document: after, undone, restored };
  });
}

function decide(
  store: Store,
  document: DocumentRecord,
  current: ClassificationRecord | undefined,
  category: string,
  kind: DecisionKind,
  request: DecisionRequest,
): DecisionOutcome {
  const confirmedAlready =
    current !== undefined &&
    isHumanDecision(current) &&
    current.category === category &&
    document.status === "done";
  if (confirmedAlready) return { document, classification: current, changed: false, route: undefined };
  const needsRouting = document.status !== "done" || current?.category !== category;
  const decided = store.transaction(() => {
    const classification = store.classifications.add(
      {
        documentId: document.id,
        category,
        confidence: 1,
        summary: current?.summary ?? "",
        evidence: current?.evidence ?? "",
        source: "human",
        ...NO_MODEL_CALL,
        details: {
          decision: kind,
          previousClassificationId: current?.id ?? null,
          correctedFrom: current && current.category !== category ? current.category : null,
        },
        actor: request.actor,
        note: request.note ?? null,
      },
      nowIso(),
    );
    syncConfirmedExample(store, document.id);
    const verb = kind === "accept" ? "accepted" : current?.category === category ? "confirmed" : "set";
    const message = `${category} ${verb} by ${request.actor}${request.note ? `: ${request.note}` : ""}`;
    const data = { category, classificationId: classification.id, actor: request.actor };
    if (!needsRouting) {
      store.events.add(
        { documentId: document.id, type: "decided", fromStatus: "done", toStatus: "done", message, data },
        nowIso(),
      );
      return { classification, document: store.documents.get(document.id) ?? document };
    }
    // Held while routing, so a running daemon does not route it at the same time; released by routeDocument.
    const after = store.transition(document.id, {
      to: "routing",
      event: "decided",
      message,
      data,
      patch: { claimedBy: `review:${process.pid}` },
    });
    return { classification, document: after };
  });
  if (!needsRouting) return { ...decided, changed: true, route: undefined };
  const route = routeDocument(store, document.id);
  return { classification: decided.classification, document: route.document, changed: true, route };
}

function decidableDocument(store: Store, id: number): DocumentRecord {
  const document = store.documents.get(id);
  if (!document) throw new UsageError(`there is no document #${id} (see docsort list).`);
  if (document.status === "duplicate") {
    throw new UsageError(`document #${id} is a duplicate of #${document.duplicateOf}; decide on that one.`);
  }
  if (!DECIDABLE.has(document.status)) {
    throw new UsageError(`document #${id} is ${document.status}; wait until docsort has finished with it.`);
  }
  return document;
}

import { nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { describeEnqueue, enqueueData, enqueueRuns } from "./enqueue-runs.js";

export interface RouteResult {
  document: DocumentRecord;
  /** Handler runs written to the outbox for this decision. */
  runs: number;
}

/**
 * routing → done: writes one handler run per matching handler into the outbox and marks the document done, in
 * one transaction. Safe to call again for the same decision (a resumed or repeated routing adds nothing), and a
 * no-op for a document that is not in `routing`.
 */
export function routeDocument(store: Store, documentId: number): RouteResult {
  return store.transaction(() => {
    const document = store.documents.get(documentId);
    if (!document) throw new Error(`document ${documentId} does not exist`);
    if (document.status !== "routing") return { document, runs: 0 };
    const classification = store.classifications.current(document.id);
    if (!classification) {
      const after = store.transition(document.id, {
        to: "done",
        event: "routed",
        message: "no classification to route",
        data: { runs: [] },
        patch: { claimedBy: null },
      });
      return { document: after, runs: 0 };
    }
    const outcome = enqueueRuns(
      store,
      {
        document,
        trigger: "document.classified",
        category: classification.category,
        confidence: classification.confidence,
        classificationId: classification.id,
        invoiceId: null,
      },
      nowIso(),
    );
    const after = store.transition(document.id, {
      to: "done",
      event: "routed",
      message: describeEnqueue(outcome),
      data: { category: classification.category, ...enqueueData(outcome) },
      patch: { claimedBy: null },
    });
    return { document: after, runs: outcome.created.length };
  });
}

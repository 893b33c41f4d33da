import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";

export interface RouteResult {
  document: DocumentRecord;
  /** Handler runs written to the outbox for this decision. */
  runs: number;
}

/**
 * routing → done: writes one handler run per matching handler into the outbox and marks the document done, in
 * one transaction. Safe to call again for the same decision (a resumed or repeated routing adds nothing).
 */
export function routeDocument(store: Store, documentId: number): RouteResult {
  return store.transaction(() => {
    const document = store.transition(documentId, {
      to: "done",
      event: "routed",
      message: "no handlers configured",
      data: { runs: 0 },
      patch: { claimedBy: null },
    });
    return { document, runs: 0 };
  });
}

import { senderOf } from "../classify/rules/sender.js";
import { nowIso } from "../store/clock.js";
import { ExamplesIndex } from "../store/examples-index.js";
import type { Store } from "../store/store.js";
import { isHumanDecision } from "./decision-details.js";

/**
 * Keeps the examples index in step with a document's current classification: a human decision makes it a
 * confirmed example (with its text), anything else removes it.
 */
export function syncConfirmedExample(store: Store, documentId: number): void {
  const index = new ExamplesIndex(store.db);
  const current = store.classifications.current(documentId);
  const document = store.documents.get(documentId);
  const text = store.extractions.latest(documentId)?.text ?? "";
  if (!current || !document || !isHumanDecision(current) || text.trim() === "") {
    index.remove(documentId);
    return;
  }
  index.upsert({
    documentId,
    classificationId: current.id,
    category: current.category,
    correctedFrom: typeof current.details.correctedFrom === "string" ? current.details.correctedFrom : null,
    name: document.name,
    sender: senderOf(text),
    text,
    confirmedAt: nowIso(),
  });
}

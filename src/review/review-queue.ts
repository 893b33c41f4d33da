import type { Config } from "../config/schema.js";
import type { ClassificationRecord } from "../store/classifications-repo.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { invoiceTotal } from "./priority-amount.js";

export type ReviewReasonKind =
  | "low confidence"
  | "no text"
  | "rule conflict"
  | "model failed"
  | "disagreement"
  | "undone"
  | "other";

export interface ReviewItem {
  document: DocumentRecord;
  classification: ClassificationRecord | undefined;
  reason: string;
  reasonKind: ReviewReasonKind;
  /** Invoice total read from the text, for invoices. */
  amount: number | null;
  /** An invoice of at least review.priorityAmount: shown first. */
  priority: boolean;
}

/**
 * Documents waiting for a person: needs_review, and documents whose classification failed (the model broke).
 * Big invoices first, then the least confident.
 */
export function listReviewQueue(store: Store, config: Pick<Config, "review">): ReviewItem[] {
  const rows = store.db
    .prepare<[], { id: number }>(`
      SELECT d.id FROM documents d
      WHERE d.status = 'needs_review'
         OR (d.status = 'failed' AND EXISTS (SELECT 1 FROM extractions e WHERE e.document_id = d.id))
      ORDER BY d.id`)
    .all();
  const items: ReviewItem[] = [];
  for (const { id } of rows) {
    const document = store.documents.get(id);
    if (!document) continue;
    const classification = store.classifications.current(id);
    const amount =
      classification?.category === "invoice" ? invoiceTotal(store.extractions.latest(id)?.text ?? "") : null;
    items.push({
      document,
      classification,
      reason:
        document.status === "failed"
          ? `model failed: ${document.reason ?? "unknown error"}`
          : (document.reason ?? "needs a look"),
      reasonKind: reasonKind(document),
      amount,
      priority: amount !== null && Math.abs(amount) >= config.review.priorityAmount,
    });
  }
  return items.sort(compareItems);
}

function compareItems(a: ReviewItem, b: ReviewItem): number {
  if (a.priority !== b.priority) return a.priority ? -1 : 1;
  if (a.priority && b.priority) return Math.abs(b.amount ?? 0) - Math.abs(a.amount ?? 0);
  const confidence = (item: ReviewItem) => item.classification?.confidence ?? -1;
  return confidence(a) - confidence(b) || a.document.id - b.document.id;
}

function reasonKind(document: DocumentRecord): ReviewReasonKind {
  if (document.status === "failed") return "model failed";
  const reason = document.reason ?? "";
  if (reason.startsWith("no text")) return "no text";
  if (reason.startsWith("low confidence")) return "low confidence";
  if (reason.startsWith("rule conflict")) return "rule conflict";
  if (reason.includes("disagrees")) return "disagreement";
  if (reason.startsWith("decision undone")) return "undone";
  return "other";
}

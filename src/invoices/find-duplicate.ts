import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";
import type { InvoiceDraft } from "./normalise-invoice.js";

export interface DuplicateMatch {
  original: InvoiceRecord;
  reason: string;
}

/**
 * An earlier invoice with the same vendor and number, or the same vendor, total and date, is the original; this
 * one is its duplicate. The first match (the oldest) is the one linked.
 */
export function findDuplicate(
  store: Store,
  draft: InvoiceDraft,
  documentId: number,
): DuplicateMatch | undefined {
  const candidates = store.invoices
    .findEarlierMatches({
      vendorKey: draft.vendorKey,
      numberKey: draft.numberKey,
      totalMinor: draft.totalMinor,
      currency: draft.currency,
      invoiceDate: draft.invoiceDate,
    })
    .filter((invoice) => invoice.documentId !== documentId);
  const original = candidates[0];
  if (!original) return undefined;
  const sameNumber = draft.numberKey !== null && original.numberKey === draft.numberKey;
  const what = sameNumber
    ? `same vendor and invoice number (${draft.invoiceNumber})`
    : `same vendor, total and date (${draft.invoiceDate})`;
  return { original, reason: `${what} as invoice #${original.id} (document #${original.documentId})` };
}

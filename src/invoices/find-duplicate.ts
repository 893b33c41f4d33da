import type { InvoiceValues } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";
import type { InvoiceDraft } from "./normalise-invoice.js";

export interface DuplicateMatch {
  original: InvoiceRecord;
  reason: string;
}

/** Two invoices of a vendor with the same number are the same one only when dated this close (re-sent, reissued). */
export const NUMBER_WINDOW_DAYS = 90;

type Compared = Pick<
  InvoiceValues,
  "numberKey" | "invoiceNumber" | "invoiceDate" | "totalMinor" | "currency"
>;

/**
 * Whether `later` duplicates `earlier`, an invoice of the same vendor, and why:
 * 1. two different printed numbers are two invoices, even of the same amount on the same day;
 * 2. the same number is a duplicate when the dates are at most NUMBER_WINDOW_DAYS apart (or one is missing) —
 *    unless they fall in different years with different totals (numbering that restarts every year);
 * 3. without two numbers to compare, the same total, currency and date is a duplicate.
 * Undefined when it is not one.
 */
export function duplicateReason(later: Compared, earlier: Compared): string | undefined {
  if (later.numberKey !== null && earlier.numberKey !== null) {
    if (later.numberKey !== earlier.numberKey) return undefined;
    const what = `same vendor and invoice number (${later.invoiceNumber})`;
    if (later.invoiceDate === null || earlier.invoiceDate === null) return `${what}, one of them undated`;
    const days = daysBetween(later.invoiceDate, earlier.invoiceDate);
    if (days > NUMBER_WINDOW_DAYS) return undefined;
    const sameTotal = later.totalMinor === earlier.totalMinor && later.currency === earlier.currency;
    if (later.invoiceDate.slice(0, 4) !== earlier.invoiceDate.slice(0, 4) && !sameTotal) return undefined;
    return days === 0 ? `${what} and date` : `${what}, dated ${days} days apart`;
  }
  const sameDayAndAmount =
    later.totalMinor !== null &&
    later.totalMinor === earlier.totalMinor &&
    later.currency === earlier.currency &&
    later.invoiceDate !== null &&
    later.invoiceDate === earlier.invoiceDate;
  return sameDayAndAmount
    ? `same vendor, total and date (${later.invoiceDate}), no number to tell them apart`
    : undefined;
}

/**
 * The earliest invoice of the same vendor (compared without accents, punctuation or legal forms) that this one
 * duplicates, by duplicateReason; invoices that are duplicates themselves are not candidates.
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
  for (const original of candidates) {
    const reason = duplicateReason(draft, original);
    if (reason)
      return { original, reason: `${reason} as invoice #${original.id} (document #${original.documentId})` };
  }
  return undefined;
}

function daysBetween(a: string, b: string): number {
  return Math.round(Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);
}

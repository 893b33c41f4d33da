import { formatMinor } from "../../invoices/parse-money.js";
import type { InvoiceRecord } from "../../store/invoices-repo.js";

/** An invoice as the API shows it: the ledger row plus its amounts as decimals (minor units stay too). */
export function invoiceView(invoice: InvoiceRecord) {
  const money = (minor: number | null) => (minor === null ? null : formatMinor(minor, invoice.currency));
  return {
    ...invoice,
    subtotal: money(invoice.subtotalMinor),
    tax: money(invoice.taxMinor),
    total: money(invoice.totalMinor),
  };
}

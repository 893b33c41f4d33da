import type { InvoiceRecord } from "../store/invoices-repo.js";
import { formatMinor } from "./parse-money.js";

const COLUMNS = [
  "id",
  "status",
  "document_type",
  "document_id",
  "vendor",
  "vendor_vat_id",
  "invoice_number",
  "invoice_date",
  "due_date",
  "currency",
  "subtotal",
  "tax",
  "total",
  "iban",
  "purchase_order",
  "duplicate_of",
  "failed_checks",
  "archive_path",
  "decided_by",
  "decided_at",
  "reject_reason",
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null>;

export function exportRow(invoice: InvoiceRecord): Row {
  const money = (minor: number | null) => (minor === null ? null : formatMinor(minor, invoice.currency));
  return {
    id: invoice.id,
    status: invoice.status,
    document_type: invoice.documentType,
    document_id: invoice.documentId,
    vendor: invoice.vendor,
    vendor_vat_id: invoice.vendorVatId,
    invoice_number: invoice.invoiceNumber,
    invoice_date: invoice.invoiceDate,
    due_date: invoice.dueDate,
    currency: invoice.currency,
    subtotal: money(invoice.subtotalMinor),
    tax: money(invoice.taxMinor),
    total: money(invoice.totalMinor),
    iban: invoice.iban,
    purchase_order: invoice.purchaseOrder,
    duplicate_of: invoice.duplicateOf,
    failed_checks: invoice.checks
      .filter((c) => c.status === "failed")
      .map((c) => c.name)
      .join(" "),
    archive_path: invoice.archivePath,
    decided_by: invoice.decidedBy,
    decided_at: invoice.decidedAt,
    reject_reason: invoice.rejectReason,
  };
}

/** RFC 4180 CSV with a header line; amounts are plain decimals with a dot, dates ISO. */
export function invoicesCsv(invoices: readonly InvoiceRecord[]): string {
  const lines = [COLUMNS.join(",")];
  for (const invoice of invoices) {
    const row = exportRow(invoice);
    lines.push(COLUMNS.map((column) => csvCell(row[column], column)).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

const NUMERIC = new Set(["id", "document_id", "subtotal", "tax", "total", "duplicate_of"]);

function csvCell(value: string | number | null, column: string): string {
  if (value === null) return "";
  let text = String(value);
  // a vendor called "=HYPERLINK(…)" must stay text when the file is opened in a spreadsheet
  if (!NUMERIC.has(column) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

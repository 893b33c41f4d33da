import type { Label } from "./corpus.js";
import { labelForText } from "./corpus.js";
import { documentPart } from "./e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "./ollama-server.js";

/**
 * How each labeled invoice prints its values (copied from the extracted text): the loopback model answers with
 * these strings, so the normaliser has to turn them into labels.json's numbers and dates.
 */
interface Printed {
  currency: string;
  subtotal: string | null;
  tax: string | null;
  total: string;
  invoiceDate: string;
  dueDate: string | null;
  iban?: string;
  vatId?: string;
  creditNote?: boolean;
}

export const PRINTED: Readonly<Record<string, Printed>> = {
  "invoices/Rechnung_HR-2025-0417.pdf": {
    currency: "€",
    subtotal: "3.596,15 €",
    tax: "683,27 €",
    total: "4.279,42 €",
    invoiceDate: "12.03.2025",
    dueDate: "26.03.2025",
    iban: "DE12 8605 5592 1090 4471 25",
    vatId: "DE 298 771 634",
  },
  "invoices/Bluefin_Invoice_BFA-1182.docx": {
    currency: "USD",
    subtotal: "$14,295.00",
    tax: "$0.00",
    total: "$14,295.00",
    invoiceDate: "April 30, 2025",
    dueDate: "May 30, 2025",
  },
  "invoices/marlow_invoice_MPW-30318.html": {
    currency: "GBP",
    subtotal: "£305.00",
    tax: "£61.00",
    total: "£366.00",
    invoiceDate: "04/03/2025",
    dueDate: "03/04/2025",
  },
  "invoices/facture_AV-2025-088_scan.pdf": {
    currency: "EUR",
    subtotal: "4 590,00 €",
    tax: "918,00 €",
    total: "5 508,00 €",
    invoiceDate: "18 février 2025",
    dueDate: "20 mars 2025",
  },
  "invoices/alpenglas_rechnung_2025-5521.txt": {
    currency: "CHF",
    subtotal: "CHF 6’148.00",
    tax: "CHF 497.99",
    total: "CHF 6’645.99",
    invoiceDate: "06.05.2025",
    dueDate: "05.06.2025",
    iban: "CH44 3199 9123 0008 8901 2",
  },
  "invoices/Tidewater_CreditNote_CN-7741.pdf": {
    currency: "$",
    subtotal: "-$990.50",
    tax: "-$71.81",
    total: "-$1,062.31",
    invoiceDate: "2025-06-02",
    dueDate: null,
    creditNote: true,
  },
  "invoices/brightloom-invoice-BL-0093.md": {
    currency: "EUR",
    subtotal: "EUR 2,900.00",
    tax: "EUR 667.00",
    total: "EUR 3,567.00",
    invoiceDate: "15 July 2025",
    dueDate: "29 July 2025",
    iban: "IE29 AIBK 9311 5212 3456 78",
  },
  "invoices/Kestrel_KCS-INV-004512.pdf": {
    currency: "£",
    subtotal: "£957.40",
    tax: "£191.48",
    total: "£1,148.88",
    invoiceDate: "01 May 2025",
    dueDate: "31 May 2025",
    vatId: "GB 402 7719 33",
  },
  "invoices/Fwd_Kestrel_invoice_resent.eml": {
    currency: "£",
    subtotal: "£957.40",
    tax: "£191.48",
    total: "£1,148.88",
    invoiceDate: "01 May 2025",
    dueDate: "31 May 2025",
    vatId: "GB 402 7719 33",
  },
  "invoices/invoice_from_jonas_pettersen.eml": {
    currency: "$",
    subtotal: "$1,450.00",
    tax: "$0.00",
    total: "$1,540.00",
    invoiceDate: "06/20/2025",
    dueDate: "07/04/2025",
  },
};

const field = (value: string | null | undefined) => ({ value: value ?? null, quote: value ?? "" });

/** The invoice-field answer for a labeled invoice, shaped like the invoice schema. */
export function invoiceAnswer(label: Label): Record<string, unknown> {
  const printed = PRINTED[label.file];
  const fields = label.fields;
  if (!printed || !fields) throw new Error(`no printed values for ${label.file}`);
  return {
    document_type: printed.creditNote ? "credit_note" : "invoice",
    vendor: field(fields.vendor),
    vendor_vat_id: field(printed.vatId),
    invoice_number: field(fields.invoice_number),
    invoice_date: field(printed.invoiceDate),
    due_date: field(printed.dueDate),
    currency: field(printed.currency),
    subtotal: field(printed.subtotal),
    tax: field(printed.tax),
    total: field(printed.total),
    iban: field(printed.iban),
    purchase_order: field(null),
    line_items: [],
  };
}

/** Whether the request asks for invoice fields (its format schema has `vendor`) rather than a category. */
export function isInvoiceRequest(request: RecordedRequest): boolean {
  const format = request.format as { properties?: Record<string, unknown> } | undefined;
  return format?.properties !== undefined && "vendor" in format.properties;
}

/** A model that knows the corpus: categories for classification, printed fields for invoice extraction. */
export function corpusModel(labels: readonly Label[], confidence = 0.93) {
  return (request: RecordedRequest): Reply => {
    const label = labelForText(labels, documentPart(lastUserText(request)));
    if (isInvoiceRequest(request)) {
      if (!label?.fields) return { kind: "error", status: 500, message: "test model: not a labeled invoice" };
      return { kind: "json", value: invoiceAnswer(label) };
    }
    return {
      kind: "json",
      value: {
        category: label?.category ?? "other",
        confidence: label ? confidence : 0.35,
        summary: label ? `A ${label.category} (${label.file})` : "Unknown document",
        evidence: label?.fingerprint ?? "",
      },
    };
  };
}

import { documentPart } from "./e2e-env.js";
import { allText, type RecordedRequest, type Reply } from "./ollama-server.js";

/**
 * A stand-in for a model that reads: it classifies by the words a person would go by and copies invoice fields
 * from labelled lines ("Invoice number: …", "Gesamtbetrag: …") exactly as printed, the way the invoice prompt asks.
 * docsort then has to normalise what was printed. A prompt the server cut (its instructions lost) gets the answer
 * such a model gives: `other`, unsure — what the field report saw.
 */

const LABELS: Readonly<Record<string, RegExp>> = {
  invoice_number: /^(?:invoice (?:number|no\.?)|rechnungsnummer|rechnung nr\.?)\s*:\s*(.+)$/im,
  invoice_date: /^(?:invoice date|rechnungsdatum|datum)\s*:\s*(.+)$/im,
  due_date: /^(?:due date|fällig am)\s*:\s*(.+)$/im,
  subtotal: /^(?:subtotal|nettobetrag|net amount)\s*:\s*(.+)$/im,
  tax: /^(?:tax|vat|ust[^:\n]*|mwst[^:\n]*)\s*:\s*(.+)$/im,
  total: /^(?:total|gesamtbetrag|amount due)\s*:\s*(.+)$/im,
};

const CURRENCY = /€|EUR|¥|JPY|CHF|US\$|\$|£|GBP|SEK|kr/;

const field = (value: string | null, quote = value ?? "") => ({ value, quote });

/** The invoice answer a careful model gives for `text`, values copied as printed. */
export function readInvoice(text: string): Record<string, unknown> {
  const lines = text.split("\n").map((line) => line.trim());
  const read = (name: string) => {
    const match = LABELS[name]?.exec(text);
    return match?.[1] ? field(match[1].trim(), match[0].trim()) : field(null);
  };
  const total = read("total");
  const currency = CURRENCY.exec(String(total.value ?? read("subtotal").value ?? ""))?.[0] ?? null;
  const lineItems = lines.flatMap((line) => {
    const match = /^\d+\s{2,}(.+?)\s{2,}(\S+)\s{2,}(\S+)\s{2,}(\S+)$/.exec(line);
    return match
      ? [{ description: match[1], quantity: match[2], unit_price: match[3], amount: match[4] }]
      : [];
  });
  return {
    document_type: "invoice",
    vendor: field(lines.find((line) => line !== "") ?? null),
    vendor_vat_id: field(null),
    invoice_number: read("invoice_number"),
    invoice_date: read("invoice_date"),
    due_date: read("due_date"),
    currency: field(currency),
    subtotal: read("subtotal"),
    tax: read("tax"),
    total,
    iban: field(null),
    purchase_order: field(null),
    line_items: lineItems,
  };
}

/** The category such a model picks, by the words on the page. */
export function readCategory(text: string): { category: string; confidence: number } {
  if (/Kontoauszug|Buchungstag|bank statement/i.test(text))
    return { category: "bank_statement", confidence: 0.91 };
  if (/\bINVOICE\b|\bRECHNUNG\b|請求書/i.test(text)) return { category: "invoice", confidence: 0.93 };
  if (/Sehr geehrte|Dear |Zahlungserinnerung/i.test(text)) return { category: "letter", confidence: 0.9 };
  return { category: "other", confidence: 0.75 };
}

/** Whether the request asks for invoice fields (its format schema has `vendor`) rather than a category. */
export function asksForInvoice(request: RecordedRequest): boolean {
  const format = request.format as { properties?: Record<string, unknown> } | undefined;
  return format?.properties !== undefined && "vendor" in format.properties;
}

/** Whether an invoice request asks for the lines too (the header-only retry leaves them out). */
export function asksForLines(request: RecordedRequest): boolean {
  const format = request.format as { properties?: Record<string, unknown> } | undefined;
  return format?.properties !== undefined && "line_items" in format.properties;
}

/** A responder that reads: classification by readCategory, invoice fields by readInvoice. */
export function readingModel(
  overrides: (request: RecordedRequest, text: string) => Reply | undefined = () => undefined,
) {
  return (request: RecordedRequest): Reply => {
    // the document is in the first user message; a retry adds its instruction after it
    const text = documentPart(allText(request));
    const special = overrides(request, text);
    if (special) return special;
    if (asksForInvoice(request)) {
      const answer = readInvoice(text);
      if (!asksForLines(request)) delete answer.line_items;
      return { kind: "json", value: answer };
    }
    if (request.promptTruncated) {
      return {
        kind: "json",
        value: { category: "other", confidence: 0.55, summary: "Rows of numbers", evidence: "" },
      };
    }
    const { category, confidence } = readCategory(text);
    return {
      kind: "json",
      value: { category, confidence, summary: `A ${category}`, evidence: text.split("\n")[0] ?? "" },
    };
  };
}

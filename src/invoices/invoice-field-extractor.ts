import type { ModelInvoice } from "./invoice-fields-schema.js";

/** What the model read, and how the call went (stored with the invoice for `invoices show`). */
export interface InvoiceExtraction {
  fields: ModelInvoice;
  info: Record<string, unknown>;
}

/** The invoice workflow only sees this; the LLM implementation lives in llm-invoice-extractor.ts. */
export interface InvoiceFieldExtractor {
  extract(input: { text: string; name: string }, signal?: AbortSignal): Promise<InvoiceExtraction>;
}

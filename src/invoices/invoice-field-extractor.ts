import type { InvoiceCheck } from "../store/invoice-columns.js";
import type { InvoiceFieldName, ModelInvoice } from "./invoice-fields-schema.js";

/** What the model read, and how the call went (stored with the invoice for `invoices show`). */
export interface InvoiceExtraction {
  fields: ModelInvoice;
  info: Record<string, unknown>;
  /** Fields the document may show but the model's answer did not deliver (it was cut), with why. */
  unread?: Partial<Record<InvoiceFieldName, string>>;
  /** What the reading itself tells about the result (an answer cut at the output limit, a prompt cut by the server). */
  checks?: InvoiceCheck[];
}

/** The invoice workflow only sees this; the LLM implementation lives in llm-invoice-extractor.ts. */
export interface InvoiceFieldExtractor {
  extract(input: { text: string; name: string }, signal?: AbortSignal): Promise<InvoiceExtraction>;
}

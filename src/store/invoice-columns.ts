import { z } from "zod";

/** The JSON columns of `invoices`: parsed with these schemas when read back. */

export const INVOICE_STATUSES = [
  "needs_attention",
  "awaiting_approval",
  "approved",
  "rejected",
  "duplicate",
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const checkSchema = z.object({
  name: z.string(),
  status: z.enum(["passed", "failed", "skipped"]),
  message: z.string(),
});
export type InvoiceCheck = z.infer<typeof checkSchema>;

/** One extracted field: what the model read, the quote it came from, and what docsort made of it. */
export const fieldSchema = z.object({
  raw: z.string().nullable(),
  quote: z.string(),
  value: z.union([z.string(), z.number()]).nullable(),
  notes: z.array(z.string()),
});
export type InvoiceField = z.infer<typeof fieldSchema>;
export const fieldsSchema = z.record(z.string(), fieldSchema);

export const lineItemSchema = z.object({
  description: z.string(),
  quantity: z.string().nullable(),
  unitPrice: z.string().nullable(),
  amountMinor: z.number().nullable(),
  amountRaw: z.string().nullable(),
});
export type LineItem = z.infer<typeof lineItemSchema>;

export const extractionInfoSchema = z.record(z.string(), z.unknown());

/** The normalised values of an invoice: what the workflow computes and the ledger stores. */
export interface InvoiceValues {
  documentType: "invoice" | "credit_note";
  vendor: string | null;
  vendorKey: string | null;
  vendorVatId: string | null;
  invoiceNumber: string | null;
  numberKey: string | null;
  invoiceDate: string | null;
  dueDate: string | null;
  currency: string | null;
  subtotalMinor: number | null;
  taxMinor: number | null;
  totalMinor: number | null;
  iban: string | null;
  purchaseOrder: string | null;
  lineItems: LineItem[];
}

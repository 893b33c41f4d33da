import { z } from "zod";

const quoted = (what: string) =>
  z
    .object({
      value: z
        .union([z.string(), z.number()])
        .nullable()
        .describe(`${what} Copy it as printed; null when the document does not show it.`),
      quote: z
        .string()
        .describe("The words of the document this value was read from, copied exactly (at most 12 words)."),
    })
    .describe(what);

/** One invoice line as the model copies it. */
export const modelLineItemSchema = z.object({
  description: z.string(),
  quantity: z.union([z.string(), z.number()]).nullable(),
  unit_price: z.union([z.string(), z.number()]).nullable(),
  amount: z.union([z.string(), z.number()]).nullable(),
});

/**
 * What the invoice prompt asks the model for: every field with the quote it came from. The line items come last, so
 * an answer cut at the output limit has its header fields complete.
 */
export const invoiceFieldsSchema = z.object({
  document_type: z
    .enum(["invoice", "credit_note"])
    .describe("credit_note when the document credits money back (credit note, Gutschrift, avoir)."),
  vendor: quoted("The company or person that issued the invoice (not the customer)."),
  vendor_vat_id: quoted("The vendor's VAT or tax id (VAT Reg., USt-IdNr., TVA, MWST, EIN)."),
  invoice_number: quoted("The invoice (or credit note) number."),
  invoice_date: quoted("The date the invoice was issued."),
  due_date: quoted("The date payment is due."),
  currency: quoted("The currency: an ISO 4217 code or the symbol as printed."),
  subtotal: quoted("The net amount before tax."),
  tax: quoted("The tax (VAT, sales tax, USt, TVA, MWST) amount."),
  total: quoted("The total amount to pay (or credited), tax included."),
  iban: quoted("The IBAN payment should go to."),
  purchase_order: quoted("The customer's purchase-order number, when the invoice refers to one."),
  line_items: z
    .array(modelLineItemSchema)
    .describe("The invoice lines, when there are any; amounts as printed."),
});

/** The same without the lines: asked for when an answer with them did not fit the output limit. */
export const invoiceHeaderSchema = invoiceFieldsSchema.omit({ line_items: true });

export type ModelInvoice = z.infer<typeof invoiceFieldsSchema>;
export type ModelField = ModelInvoice["vendor"];

export const INVOICE_FIELD_NAMES = [
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
] as const;
export type InvoiceFieldName = (typeof INVOICE_FIELD_NAMES)[number];

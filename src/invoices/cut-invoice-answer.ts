import { parseCutOutput } from "../classify/parse-model-output.js";
import {
  INVOICE_FIELD_NAMES,
  invoiceFieldsSchema,
  type ModelInvoice,
  modelLineItemSchema,
} from "./invoice-fields-schema.js";

export interface SalvagedInvoice {
  /** The header fields whose value and quote were both complete. */
  fields: Partial<Omit<ModelInvoice, "line_items">>;
  /** The invoice lines that were complete, in order. */
  lineItems: ModelInvoice["line_items"];
}

/** What an invoice answer cut at the output limit still holds: every complete field and every complete line. */
export function salvageInvoice(raw: string): SalvagedInvoice {
  const cut = parseCutOutput(raw) ?? {};
  const shape = invoiceFieldsSchema.shape;
  const fields: Partial<Omit<ModelInvoice, "line_items">> = {};
  const documentType = shape.document_type.safeParse(cut.document_type);
  if (documentType.success) fields.document_type = documentType.data;
  for (const name of INVOICE_FIELD_NAMES) {
    const field = shape[name].safeParse(cut[name]);
    if (field.success) fields[name] = field.data;
  }
  const lines = Array.isArray(cut.line_items) ? cut.line_items : [];
  const lineItems = lines.flatMap((line) => {
    const parsed = modelLineItemSchema.safeParse(line);
    return parsed.success ? [parsed.data] : [];
  });
  return { fields, lineItems };
}

import type { InvoiceField, InvoiceValues, LineItem } from "../store/invoice-columns.js";
import { toCurrencyCode } from "./currencies.js";
import { normaliseIban } from "./iban.js";
import { invoiceNumberKey, vendorKey } from "./identity-keys.js";
import type { InvoiceFieldName, ModelField, ModelInvoice } from "./invoice-fields-schema.js";
import { parseDate } from "./parse-date.js";
import { parseMoney } from "./parse-money.js";

/** An invoice as docsort understands it: normalised values, plus every field with its quote and notes. */
export interface InvoiceDraft extends InvoiceValues {
  fields: Record<InvoiceFieldName, InvoiceField>;
  /** Fields the document shows but docsort could not read (an amount that is no amount, a date that is none). */
  unreadable: Partial<Record<InvoiceFieldName, string>>;
  /** Dates whose day/month order nothing decided. */
  unsureDates: string[];
}

const AMOUNTS = ["subtotal", "tax", "total"] as const;

/**
 * Turns what the model read into typed values: amounts into integer minor units, dates into ISO dates (with the
 * currency and language deciding an ambiguous day/month order), the currency into an ISO code.
 */
export function normaliseInvoice(
  model: ModelInvoice,
  hints: {
    language?: string | null;
    /** Fields the model's answer did not deliver (cut at the output limit), with why. */
    unread?: Partial<Record<InvoiceFieldName, string>> | undefined;
  } = {},
): InvoiceDraft {
  const fields = {} as Record<InvoiceFieldName, InvoiceField>;
  const unreadable: Partial<Record<InvoiceFieldName, string>> = { ...hints.unread };
  const unsureDates: string[] = [];
  const text = (name: InvoiceFieldName): string | null => {
    const raw = rawOf(model[name]);
    fields[name] = { raw, quote: model[name].quote, value: cleanText(raw), notes: [] };
    return cleanText(raw);
  };

  const vendor = text("vendor");
  const vendorVatId = text("vendor_vat_id");
  const invoiceNumber = text("invoice_number");
  const purchaseOrder = text("purchase_order");
  const currency = resolveCurrency(model, fields, unreadable);

  const amounts: Record<(typeof AMOUNTS)[number], number | null> = { subtotal: null, tax: null, total: null };
  for (const name of AMOUNTS) {
    const raw = rawOf(model[name]);
    const field: InvoiceField = { raw, quote: model[name].quote, value: null, notes: [] };
    fields[name] = field;
    if (raw === null) continue;
    const parsed = parseMoney(raw, currency);
    if (!parsed.ok) {
      unreadable[name] = parsed.problem;
      field.notes.push(parsed.problem);
      continue;
    }
    field.notes.push(...parsed.value.notes);
    if (parsed.value.currency && currency && parsed.value.currency !== currency)
      field.notes.push(`the amount says ${parsed.value.currency}, the invoice ${currency}`);
    amounts[name] = parsed.value.minor;
    field.value = parsed.value.decimal;
  }
  if (model.document_type === "credit_note") creditNoteSigns(amounts, fields);

  const dates = { invoice_date: null as string | null, due_date: null as string | null };
  for (const name of ["invoice_date", "due_date"] as const) {
    const raw = rawOf(model[name]);
    const field: InvoiceField = { raw, quote: model[name].quote, value: null, notes: [] };
    fields[name] = field;
    if (raw === null) continue;
    const parsed = parseDate(raw, { currency, language: hints.language });
    if (!parsed.ok) {
      unreadable[name] = parsed.problem;
      field.notes.push(parsed.problem);
      continue;
    }
    dates[name] = parsed.value.iso;
    field.value = parsed.value.iso;
    if (parsed.value.ambiguity) field.notes.push(parsed.value.ambiguity);
    if (parsed.value.unsure) unsureDates.push(`${name}: ${parsed.value.ambiguity}`);
  }

  const ibanRaw = rawOf(model.iban);
  const iban = ibanRaw ? (normaliseIban(ibanRaw) ?? null) : null;
  fields.iban = { raw: ibanRaw, quote: model.iban.quote, value: iban, notes: [] };

  for (const [name, why] of Object.entries(hints.unread ?? {}))
    fields[name as InvoiceFieldName]?.notes.push(why);

  return {
    documentType: model.document_type,
    vendor,
    vendorKey: vendorKey(vendor),
    vendorVatId: vendorVatId?.replace(/\s+/g, "") ?? null,
    invoiceNumber,
    numberKey: invoiceNumberKey(invoiceNumber),
    invoiceDate: dates.invoice_date,
    dueDate: dates.due_date,
    currency,
    subtotalMinor: amounts.subtotal,
    taxMinor: amounts.tax,
    totalMinor: amounts.total,
    iban,
    purchaseOrder,
    lineItems: model.line_items.map((item) => lineItem(item, currency)),
    fields,
    unreadable,
    unsureDates,
  };
}

/** The currency field wins; otherwise the currency the amounts are printed with. */
function resolveCurrency(
  model: ModelInvoice,
  fields: Record<InvoiceFieldName, InvoiceField>,
  unreadable: Partial<Record<InvoiceFieldName, string>>,
): string | null {
  const raw = rawOf(model.currency);
  const field: InvoiceField = { raw, quote: model.currency.quote, value: null, notes: [] };
  fields.currency = field;
  const fromField = raw ? toCurrencyCode(raw) : undefined;
  if (raw && !fromField) unreadable.currency = `"${raw}" names no currency`;
  const fromAmounts = AMOUNTS.flatMap((name) => {
    const amount = rawOf(model[name]);
    const parsed = amount ? parseMoney(amount) : undefined;
    return parsed?.ok && parsed.value.currency ? [parsed.value.currency] : [];
  })[0];
  const code = fromField ?? fromAmounts ?? null;
  if (!fromField && code) field.notes.push("taken from the currency the amounts are printed in");
  field.value = code;
  return code;
}

/** Credit notes are recorded with negative amounts, whichever sign the model copied. */
function creditNoteSigns(
  amounts: Record<(typeof AMOUNTS)[number], number | null>,
  fields: Record<InvoiceFieldName, InvoiceField>,
): void {
  for (const name of AMOUNTS) {
    const value = amounts[name];
    if (value === null || value <= 0) continue;
    amounts[name] = -value;
    const field = fields[name];
    field.value = typeof field.value === "string" ? `-${field.value}` : field.value;
    field.notes.push("credit note: recorded as a negative amount");
  }
}

function lineItem(item: ModelInvoice["line_items"][number], currency: string | null): LineItem {
  const amountRaw = item.amount === null ? null : String(item.amount);
  const parsed = amountRaw ? parseMoney(amountRaw, currency) : undefined;
  return {
    description: item.description.trim(),
    quantity: item.quantity === null ? null : String(item.quantity),
    unitPrice: item.unit_price === null ? null : String(item.unit_price),
    amountMinor: parsed?.ok ? parsed.value.minor : null,
    amountRaw,
  };
}

function rawOf(field: ModelField): string | null {
  if (field.value === null) return null;
  const text = String(field.value).trim();
  return text === "" || /^(n\/a|none|null|-)$/i.test(text) ? null : text;
}

function cleanText(raw: string | null): string | null {
  if (raw === null) return null;
  const flat = raw.replace(/\s+/g, " ").trim();
  return flat === "" ? null : flat.slice(0, 300);
}

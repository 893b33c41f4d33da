import type { InvoiceCheck } from "../store/invoice-columns.js";
import { isIsoCurrency } from "./currencies.js";
import { ibanIsValid } from "./iban.js";
import type { InvoiceDraft } from "./normalise-invoice.js";
import { formatMinor } from "./parse-money.js";

export type RequiredField =
  | "vendor"
  | "invoice_number"
  | "invoice_date"
  | "due_date"
  | "currency"
  | "total"
  | "subtotal"
  | "tax";

const VALUE_OF: Record<RequiredField, (d: InvoiceDraft) => unknown> = {
  vendor: (d) => d.vendor,
  invoice_number: (d) => d.invoiceNumber,
  invoice_date: (d) => d.invoiceDate,
  due_date: (d) => d.dueDate,
  currency: (d) => d.currency,
  total: (d) => d.totalMinor,
  subtotal: (d) => d.subtotalMinor,
  tax: (d) => d.taxMinor,
};

/** Every check, stored with the invoice: one failed check sends it to needs_attention. */
export function checkInvoice(draft: InvoiceDraft, required: readonly RequiredField[]): InvoiceCheck[] {
  return [
    requiredFields(draft, required),
    amountsAddUp(draft),
    dueAfterIssue(draft),
    currencyIsIso(draft),
    ibanChecksum(draft),
    totalSign(draft),
    datesCertain(draft),
  ];
}

export function hasFailure(checks: readonly InvoiceCheck[]): boolean {
  return checks.some((check) => check.status === "failed");
}

function passed(name: string, message: string): InvoiceCheck {
  return { name, status: "passed", message };
}
function failed(name: string, message: string): InvoiceCheck {
  return { name, status: "failed", message };
}
function skipped(name: string, message: string): InvoiceCheck {
  return { name, status: "skipped", message };
}

function requiredFields(draft: InvoiceDraft, required: readonly RequiredField[]): InvoiceCheck {
  const problems = required.flatMap((name) => {
    const unreadable = draft.unreadable[name];
    if (unreadable) return [`${name} (${unreadable})`];
    const value = VALUE_OF[name](draft);
    return value === null || value === undefined ? [name] : [];
  });
  return problems.length === 0
    ? passed("required_fields", `present: ${required.join(", ")}`)
    : failed("required_fields", `missing: ${problems.join(", ")}`);
}

/**
 * subtotal + tax = total. An amount that is printed but unreadable is reported as such, never taken as absent or as
 * zero; only a tax that is not printed at all counts as none.
 */
function amountsAddUp(draft: InvoiceDraft): InvoiceCheck {
  const { subtotalMinor: subtotal, taxMinor: tax, totalMinor: total, currency } = draft;
  const name = "amounts_add_up";
  const unreadable = (["subtotal", "tax", "total"] as const).filter((field) => draft.unreadable[field]);
  if (unreadable.length > 0) {
    const which = unreadable.map((field) => `${field}${quoted(draft, field)} (${draft.unreadable[field]})`);
    return failed(name, `cannot check: could not read the printed ${which.join("; ")}`);
  }
  if (total === null) return skipped(name, "no total printed");
  if (subtotal === null) return skipped(name, "no subtotal printed");
  const taxed = tax ?? 0;
  const money = (minor: number) => formatMinor(minor, currency);
  const sum = subtotal + taxed;
  const taxPart = tax === null ? "no tax printed" : `tax ${money(taxed)}`;
  const equation = `subtotal ${money(subtotal)} + ${taxPart} = ${money(sum)}`;
  if (sum === total) return passed(name, `${equation}, the total`);
  return failed(name, `${equation}, but the total is ${money(total)} (off by ${money(total - sum)})`);
}

function quoted(draft: InvoiceDraft, field: "subtotal" | "tax" | "total"): string {
  const raw = draft.fields[field]?.raw;
  return raw ? ` "${raw}"` : "";
}

function dueAfterIssue(draft: InvoiceDraft): InvoiceCheck {
  const name = "due_not_before_issue";
  if (!draft.invoiceDate || !draft.dueDate) return skipped(name, "no due date, or no invoice date");
  return draft.dueDate >= draft.invoiceDate
    ? passed(name, `due ${draft.dueDate}, issued ${draft.invoiceDate}`)
    : failed(name, `due ${draft.dueDate} is before the invoice date ${draft.invoiceDate}`);
}

function currencyIsIso(draft: InvoiceDraft): InvoiceCheck {
  const name = "currency_iso_4217";
  if (!draft.currency) return skipped(name, "no currency");
  return isIsoCurrency(draft.currency)
    ? passed(name, `${draft.currency} is an ISO 4217 currency`)
    : failed(name, `${draft.currency} is not an ISO 4217 currency code`);
}

function ibanChecksum(draft: InvoiceDraft): InvoiceCheck {
  const name = "iban_mod_97";
  if (!draft.iban) return skipped(name, "no IBAN on the invoice");
  return ibanIsValid(draft.iban)
    ? passed(name, `${draft.iban} is a valid IBAN`)
    : failed(name, `${draft.iban} fails the IBAN check (length, country format or mod-97 checksum)`);
}

function totalSign(draft: InvoiceDraft): InvoiceCheck {
  const name = "total_sign";
  if (draft.totalMinor === null) return skipped(name, "no total");
  const total = formatMinor(draft.totalMinor, draft.currency);
  if (draft.documentType === "credit_note") {
    return draft.totalMinor < 0
      ? passed(name, `credit note total ${total} is negative`)
      : failed(name, `a credit note must credit money: the total is ${total}`);
  }
  return draft.totalMinor > 0
    ? passed(name, `total ${total} is positive`)
    : failed(name, `an invoice total must be above zero: it is ${total}`);
}

function datesCertain(draft: InvoiceDraft): InvoiceCheck {
  const name = "dates_unambiguous";
  if (draft.unsureDates.length > 0)
    return failed(name, `day and month could be swapped: ${draft.unsureDates.join("; ")}`);
  const decided = (["invoice_date", "due_date"] as const).flatMap(
    (field) =>
      draft.fields[field]?.notes.filter((note) => note.includes("could be day or month first")) ?? [],
  );
  return passed(name, decided.length > 0 ? decided.join("; ") : "no ambiguous dates");
}

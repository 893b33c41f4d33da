import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approveInvoice, FailedChecksError } from "../../src/invoices/approval.js";
import { clearDuplicateFlag, undoNotDuplicate } from "../../src/invoices/duplicate-flag.js";
import { duplicateReason } from "../../src/invoices/find-duplicate.js";
import { invoiceNumberKey, vendorKey } from "../../src/invoices/identity-keys.js";
import { checkInvoice } from "../../src/invoices/invoice-checks.js";
import type { ModelInvoice } from "../../src/invoices/invoice-fields-schema.js";
import { recordInvoice } from "../../src/invoices/ledger.js";
import { normaliseInvoice } from "../../src/invoices/normalise-invoice.js";
import { nowIso } from "../../src/store/clock.js";
import { addDocument, type Fixture, openFixture } from "../handlers/fixtures.js";

const field = (value: string | null) => ({ value, quote: value ?? "" });
function model(vendor: string, number: string | null, date: string, total: string): ModelInvoice {
  return {
    document_type: "invoice",
    vendor: field(vendor),
    vendor_vat_id: field(null),
    invoice_number: field(number),
    invoice_date: field(date),
    due_date: field(null),
    currency: field("GBP"),
    subtotal: field(null),
    tax: field(null),
    total: field(total),
    iban: field(null),
    purchase_order: field(null),
    line_items: [],
  };
}

let fixture: Fixture;
let counter = 0;
beforeEach(() => {
  fixture = openFixture();
  fixture.store.handlers.add(
    {
      name: "dup-alert",
      kind: "webhook",
      config: { url: "http://127.0.0.1:9/" },
      trigger: "invoice.duplicate",
      categories: ["*"],
      minConfidence: 0,
      enabled: true,
    },
    nowIso(),
  );
});
afterEach(() => fixture.cleanup());

function record(m: ModelInvoice) {
  counter += 1;
  const document = addDocument(fixture, {
    name: `inv-${counter}.pdf`,
    text: `invoice ${counter}`,
    category: "invoice",
  });
  const draft = normaliseInvoice(m, { language: "en" });
  return recordInvoice(fixture.store, {
    document,
    classification: { id: null, category: "invoice", confidence: 0.9 },
    draft,
    checks: checkInvoice(draft, ["vendor", "total"]),
    archivePath: null,
    extraction: {},
  });
}

describe("duplicate detection", () => {
  it("the same vendor (spelled differently) and number is a duplicate of the first, and fires invoice.duplicate", () => {
    const first = record(model("Kestrel Cloud Services Ltd", "KCS-INV-004512", "01 May 2025", "£1,148.88"));
    const second = record(
      model("KESTREL CLOUD SERVICES LIMITED.", "kcs inv 004512", "1 May 2025", "£1,148.88"),
    );
    expect(first.decision.status).toBe("awaiting_approval");
    expect(second.decision.status).toBe("duplicate");
    expect(second.invoice?.duplicateOf).toBe(first.invoice?.id);
    expect(second.invoice?.duplicateReason).toMatch(/same vendor and invoice number .* as invoice #1/);
    expect(second.followUpHandlers).toEqual(["dup-alert"]);
    const third = record(model("Kestrel Cloud Services", "KCS-INV-004512", "01 May 2025", "£1,148.88"));
    expect(third.invoice?.duplicateOf).toBe(first.invoice?.id);
  });

  it("the same vendor, total and date without a matching number is a duplicate too", () => {
    const first = record(model("Marlow Print Works Ltd", "MPW-30318", "4 March 2025", "£366.00"));
    const second = record(model("Marlow Print Works", null, "04 March 2025", "366.00"));
    expect(second.invoice).toMatchObject({ status: "duplicate", duplicateOf: first.invoice?.id });
    expect(second.invoice?.duplicateReason).toMatch(/same vendor, total and date \(2025-03-04\)/);
  });

  it.each([
    ["another vendor", model("Marlow Print", "MPW-30318", "4 March 2025", "£366.00")],
    [
      "the same number two years later",
      model("Marlow Print Works Ltd", "MPW-30318", "4 March 2027", "£366.00"),
    ],
    [
      "another number, the same day and amount",
      model("Marlow Print Works Ltd", "MPW-30319", "4 March 2025", "£366.00"),
    ],
    ["another number and total", model("Marlow Print Works Ltd", "MPW-30319", "4 March 2025", "£367.00")],
    ["another date", model("Marlow Print Works Ltd", "MPW-30400", "5 March 2025", "£366.00")],
  ])("%s is not a duplicate", (_what, candidate) => {
    record(model("Marlow Print Works Ltd", "MPW-30318", "4 March 2025", "£366.00"));
    expect(record(candidate).decision.status).not.toBe("duplicate");
  });

  it("approval: a duplicate is refused as a duplicate first; failed checks need force", () => {
    record(model("Kern Hausverwaltung", "7", "15.02.2025", "150,00"));
    const second = record(model("Kern Hausverwaltung", "7", "15.02.2025", "150,00"));
    const id = second.invoice?.id ?? 0;
    fixture.store.db
      .prepare("UPDATE invoices SET checks = ? WHERE id = ?")
      .run(JSON.stringify([{ name: "totals_add_up", status: "failed", message: "does not add up" }]), id);
    expect(() => approveInvoice(fixture.store, id, "anna")).toThrow(/is duplicate .*invoices not-duplicate/);
    clearDuplicateFlag(fixture.store, id, "anna", null);
    expect(() => approveInvoice(fixture.store, id, "anna")).toThrow(FailedChecksError);
    expect(() => approveInvoice(fixture.store, id, "anna")).toThrow(
      /failed checks: totals_add_up \(does not add up\)/,
    );
    expect(fixture.store.invoices.get(id)?.status).toBe("needs_attention");
    expect(approveInvoice(fixture.store, id, "anna", { force: true }).invoice.status).toBe("approved");
  });

  it("a wrong flag is cleared by a person, recorded, undone, cleared again; then the invoice can be approved", () => {
    const first = record(model("Kern Hausverwaltung", "1", "15.01.2025", "150,00"));
    const second = record(model("Kern Hausverwaltung", "1", "15.01.2025", "150,00"));
    const id = second.invoice?.id ?? 0;
    expect(second.invoice?.status).toBe("duplicate");
    expect(() => approveInvoice(fixture.store, id, "anna")).toThrow(/invoices not-duplicate 2/);

    const cleared = clearDuplicateFlag(fixture.store, id, "anna", "two flats, two invoices");
    expect(cleared).toMatchObject({ status: "awaiting_approval", duplicateOf: null, duplicateReason: null });
    expect(() => clearDuplicateFlag(fixture.store, id, "anna", null)).toThrow(/not duplicate/);

    const undone = undoNotDuplicate(fixture.store, id, "anna");
    expect(undone).toMatchObject({ status: "duplicate", duplicateOf: first.invoice?.id });
    expect(undone.duplicateReason).toMatch(/same vendor and invoice number \(1\) and date/);
    expect(() => undoNotDuplicate(fixture.store, id, "anna")).toThrow(/no "not-duplicate" decision to undo/);

    clearDuplicateFlag(fixture.store, id, "anna", null);
    expect(approveInvoice(fixture.store, id, "anna").invoice.status).toBe("approved");
    expect(() => undoNotDuplicate(fixture.store, id, "anna")).toThrow(/approved since it was cleared/);
    const events = fixture.store.events.forDocument(second.invoice?.documentId ?? 0).map((e) => e.type);
    expect(events).toEqual(
      expect.arrayContaining(["invoice.not_duplicate", "invoice.not_duplicate_undone", "invoice.approved"]),
    );
  });

  it("a cleared invoice whose checks failed needs attention", () => {
    record(model("Kern Hausverwaltung", "7", "15.01.2025", "150,00"));
    const second = record(model("Kern Hausverwaltung", "7", "15.01.2025", "-150,00"));
    expect(clearDuplicateFlag(fixture.store, second.invoice?.id ?? 0, "anna", null).status).toBe(
      "needs_attention",
    );
  });

  it("normalises vendors and numbers for comparison", () => {
    expect(vendorKey("Halden & Roos Elektrotechnik GmbH")).toBe("halden roos elektrotechnik");
    expect(vendorKey("Café Lindenhof S.A.R.L.")).toBe("cafe lindenhof s a r l");
    expect(vendorKey("Atelier Vercors SARL")).toBe("atelier vercors");
    expect(invoiceNumberKey("#BLR_WFLD20151000982590")).toBe("BLRWFLD20151000982590");
    expect(vendorKey("  ")).toBeNull();
  });
});

const values = (number: string | null, date: string | null, total: number | null, currency = "EUR") => ({
  numberKey: invoiceNumberKey(number),
  invoiceNumber: number,
  invoiceDate: date,
  totalMinor: total,
  currency,
});

describe("duplicateReason: which invoice of the same vendor repeats another", () => {
  it.each([
    [
      "same number and date",
      values("1", "2025-01-15", 15000),
      values("1", "2025-01-15", 15000),
      /invoice number \(1\) and date/,
    ],
    [
      "same number, re-sent 30 days later",
      values("A-7", "2025-02-14", 15000),
      values("A-7", "2025-01-15", 15000),
      /dated 30 days apart/,
    ],
    [
      "same number, corrected amount, same year",
      values("A-7", "2025-02-14", 16000),
      values("A-7", "2025-01-15", 15000),
      /dated 30 days apart/,
    ],
    [
      "same number, one undated",
      values("A-7", null, 15000),
      values("A-7", "2025-01-15", 15000),
      /one of them undated/,
    ],
    [
      "same number, across new year, same total",
      values("3", "2025-01-03", 9900),
      values("3", "2024-12-28", 9900),
      /dated 6 days apart/,
    ],
    [
      "same day and amount, the later without a number",
      values(null, "2025-01-15", 15000),
      values("1", "2025-01-15", 15000),
      /no number to tell them apart/,
    ],
    [
      "same day and amount, neither numbered",
      values(null, "2025-01-15", 15000),
      values(null, "2025-01-15", 15000),
      /total and date/,
    ],
  ])("%s: a duplicate", (_what, later, earlier, reason) => {
    expect(duplicateReason(later, earlier)).toMatch(reason);
  });

  it.each([
    [
      "same number two years apart (numbering restarts each year)",
      values("1", "2025-01-15", 15000),
      values("1", "2023-01-15", 12000),
    ],
    [
      "same number two years apart, same amount",
      values("1", "2025-01-15", 12000),
      values("1", "2023-01-15", 12000),
    ],
    ["same number 91 days apart", values("1", "2025-04-16", 12000), values("1", "2025-01-15", 12000)],
    [
      "same number across new year, other total",
      values("3", "2025-01-03", 9900),
      values("3", "2024-12-28", 4500),
    ],
    [
      "same day and amount, different numbers",
      values("KM-2017", "2025-03-12", 532),
      values("KM-2016", "2025-03-12", 532),
    ],
    ["same day, other amount, no number", values(null, "2025-03-12", 533), values(null, "2025-03-12", 532)],
    [
      "same day and amount, other currency, no number",
      values(null, "2025-03-12", 532, "CHF"),
      values(null, "2025-03-12", 532),
    ],
  ])("%s: not a duplicate", (_what, later, earlier) => {
    expect(duplicateReason(later, earlier)).toBeUndefined();
  });
});

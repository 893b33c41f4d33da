import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
    ["another number and total", model("Marlow Print Works Ltd", "MPW-30319", "4 March 2025", "£367.00")],
    ["another date", model("Marlow Print Works Ltd", "MPW-30400", "5 March 2025", "£366.00")],
  ])("%s is not a duplicate", (_what, candidate) => {
    record(model("Marlow Print Works Ltd", "MPW-30318", "4 March 2025", "£366.00"));
    expect(record(candidate).decision.status).not.toBe("duplicate");
  });

  it("normalises vendors and numbers for comparison", () => {
    expect(vendorKey("Halden & Roos Elektrotechnik GmbH")).toBe("halden roos elektrotechnik");
    expect(vendorKey("Café Lindenhof S.A.R.L.")).toBe("cafe lindenhof s a r l");
    expect(vendorKey("Atelier Vercors SARL")).toBe("atelier vercors");
    expect(invoiceNumberKey("#BLR_WFLD20151000982590")).toBe("BLRWFLD20151000982590");
    expect(vendorKey("  ")).toBeNull();
  });
});

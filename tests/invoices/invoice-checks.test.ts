import { describe, expect, it } from "vitest";
import { checkInvoice, type RequiredField } from "../../src/invoices/invoice-checks.js";
import type { ModelInvoice } from "../../src/invoices/invoice-fields-schema.js";
import { normaliseInvoice } from "../../src/invoices/normalise-invoice.js";

const REQUIRED: RequiredField[] = ["vendor", "invoice_number", "invoice_date", "currency", "total"];
const field = (value: string | null) => ({ value, quote: value ?? "" });

function invoice(overrides: Partial<Record<keyof ModelInvoice, unknown>> = {}): ModelInvoice {
  return {
    document_type: "invoice",
    vendor: field("Halden & Roos Elektrotechnik GmbH"),
    vendor_vat_id: field("DE 298 771 634"),
    invoice_number: field("HR-2025-0417"),
    invoice_date: field("12.03.2025"),
    due_date: field("26.03.2025"),
    currency: field("EUR"),
    subtotal: field("3.596,15 €"),
    tax: field("683,27 €"),
    total: field("4.279,42 €"),
    iban: field("DE89 3704 0044 0532 0130 00"),
    purchase_order: field(null),
    line_items: [],
    ...overrides,
  } as ModelInvoice;
}

function checks(model: ModelInvoice, language = "de") {
  const result = checkInvoice(normaliseInvoice(model, { language }), REQUIRED);
  return Object.fromEntries(result.map((c) => [c.name, c]));
}

describe("invoice checks", () => {
  it("a consistent invoice passes every check", () => {
    const all = checks(invoice());
    for (const check of Object.values(all))
      expect(check.status, `${check.name}: ${check.message}`).not.toBe("failed");
    expect(all.amounts_add_up?.message).toBe("subtotal 3596.15 + tax 683.27 = 4279.42, the total");
  });

  it("subtotal + tax must equal the total to the cent", () => {
    expect(checks(invoice({ total: field("4.279,43 €") })).amounts_add_up).toMatchObject({
      status: "failed",
      message: "subtotal 3596.15 + tax 683.27 = 4279.42, but the total is 4279.43 (off by 0.01)",
    });
    expect(checks(invoice({ subtotal: field(null), tax: field(null) })).amounts_add_up?.status).toBe(
      "skipped",
    );
  });

  it.each([
    ["a subtotal", { subtotal: field("eintausend") }, 'subtotal "eintausend"'],
    ["a tax", { tax: field("siehe Anlage") }, 'tax "siehe Anlage"'],
    ["a total", { total: field("siehe oben") }, 'total "siehe oben"'],
  ])("%s printed but unreadable is reported as such, never as absent or zero", (_what, overrides, said) => {
    const check = checks(invoice(overrides)).amounts_add_up;
    expect(check?.status).toBe("failed");
    expect(check?.message).toContain(`cannot check: could not read the printed ${said}`);
    expect(check?.message).not.toMatch(/no subtotal printed|tax 0\.00/);
  });

  it("a tax that is not printed counts as none, and says so", () => {
    const check = checks(invoice({ tax: field(null), total: field("3.596,15 €") })).amounts_add_up;
    expect(check).toMatchObject({
      status: "passed",
      message: "subtotal 3596.15 + no tax printed = 3596.15, the total",
    });
  });

  it("the due date may not be before the invoice date", () => {
    expect(checks(invoice({ due_date: field("11.03.2025") })).due_not_before_issue).toMatchObject({
      status: "failed",
      message: "due 2025-03-11 is before the invoice date 2025-03-12",
    });
    expect(checks(invoice({ due_date: field(null) })).due_not_before_issue?.status).toBe("skipped");
  });

  it("the currency must be a real ISO 4217 code", () => {
    expect(checks(invoice({ currency: field("XYZ") })).currency_iso_4217).toMatchObject({ status: "failed" });
    expect(
      checks(
        invoice({ currency: field("zł"), subtotal: field(null), tax: field(null), total: field("316,83") }),
      ).currency_iso_4217,
    ).toMatchObject({
      status: "passed",
      message: "PLN is an ISO 4217 currency",
    });
  });

  it("an IBAN must pass mod-97 when there is one", () => {
    expect(checks(invoice({ iban: field("DE89 3704 0044 0532 0130 01") })).iban_mod_97?.status).toBe(
      "failed",
    );
    expect(checks(invoice({ iban: field(null) })).iban_mod_97?.status).toBe("skipped");
  });

  it("the total must be above zero, except for a credit note", () => {
    expect(
      checks(invoice({ subtotal: field("0,00"), tax: field("0,00"), total: field("0,00 €") })).total_sign
        ?.status,
    ).toBe("failed");
    const credit = checks(
      invoice({
        document_type: "credit_note",
        subtotal: field("990.50"),
        tax: field("71.81"),
        total: field("1,062.31"),
      }),
    );
    expect(credit.total_sign).toMatchObject({
      status: "passed",
      message: "credit note total -1062.31 is negative",
    });
    expect(credit.amounts_add_up?.status).toBe("passed");
  });

  it("required fields must be present and readable", () => {
    expect(checks(invoice({ vendor: field(null), total: field("lots") })).required_fields).toMatchObject({
      status: "failed",
      message: 'missing: vendor, total ("lots" is not an amount)',
    });
  });

  it("a day/month order nothing decides is a failed check; one the currency decides is noted", () => {
    const unsure = checkInvoice(
      normaliseInvoice(
        invoice({
          currency: field(null),
          subtotal: field(null),
          tax: field(null),
          total: field("10.00"),
          invoice_date: field("04/03/2025"),
          due_date: field(null),
        }),
      ),
      REQUIRED,
    );
    expect(unsure.find((c) => c.name === "dates_unambiguous")).toMatchObject({ status: "failed" });
    const decided = checks(invoice({ invoice_date: field("04/03/2025"), due_date: field(null) }), "en");
    expect(decided.dates_unambiguous).toMatchObject({ status: "passed" });
    expect(decided.dates_unambiguous?.message).toMatch(/read day first \(EUR\)/);
  });
});

import { describe, expect, it } from "vitest";
import { invoicesCsv } from "../../src/invoices/export-invoices.js";
import type { InvoiceRecord } from "../../src/store/invoices-repo.js";

describe("invoicesCsv", () => {
  it("prefixes cells that a spreadsheet would run as formulas (= + - @) with a quote", () => {
    const invoice = {
      id: 1,
      documentId: 2,
      status: "rejected",
      documentType: "invoice",
      vendor: '=HYPERLINK("http://evil.example","click")',
      vendorVatId: "+49 123",
      invoiceNumber: "-2+3",
      invoiceDate: "2025-03-12",
      dueDate: null,
      currency: "EUR",
      subtotalMinor: -10000,
      taxMinor: null,
      totalMinor: -10000,
      iban: null,
      purchaseOrder: "@SUM(A1:A9)",
      duplicateOf: null,
      checks: [],
      archivePath: null,
      decidedBy: "me",
      decidedAt: null,
      rejectReason: "ok",
    } as unknown as InvoiceRecord;
    const [, row] = invoicesCsv([invoice]).split("\r\n");
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain("'+49 123");
    expect(row).toContain("'-2+3");
    expect(row).toContain("'@SUM(A1:A9)");
    // amounts stay numbers: a credit note's minus sign is not a formula
    expect(row).toContain(",-100.00,");
  });
});

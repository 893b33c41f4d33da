import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInvoice } from "../../src/invoices/invoice-checks.js";
import { normaliseInvoice } from "../../src/invoices/normalise-invoice.js";
import { formatMinor } from "../../src/invoices/parse-money.js";
import { corpusAvailable, REAL_DIR } from "../support/corpus.js";

/** How the invoice2data samples print their values (copied from their text), and their language. */
const PRINTED: Record<
  string,
  {
    lang: string;
    currency: string | null;
    date: string;
    due?: string;
    total: string;
    subtotal?: string;
    tax?: string;
  }
> = {
  AmazonWebServices: {
    lang: "en",
    currency: null,
    date: "August 3 , 2014",
    total: "$4.11",
    subtotal: "$4.11",
    tax: "$0.00",
  },
  AzureInterior: {
    lang: "en",
    currency: null,
    date: "03/20/2023",
    due: "04/04/2023",
    total: "$ 279.84",
    subtotal: "$ 262.90",
    tax: "$ 16.94",
  },
  FlipkartInvoice: {
    lang: "en",
    currency: "INR",
    date: "20-10-2015",
    total: "319.00",
    subtotal: "278.61",
    tax: "40.39",
  },
  NetpresseInvoice: {
    lang: "fr",
    currency: null,
    date: "28/11/2022",
    total: "56,02 €",
    subtotal: "46,68 €",
    tax: "9,34 €",
  },
  QualityHosting: { lang: "de", currency: null, date: "7. Mai 2014", total: "Total EUR 34,73" },
  coolblue1: {
    lang: "nl",
    currency: null,
    date: "19 april 2014",
    total: "€ 717,97",
    subtotal: "€ 593,36",
    tax: "€ 124,61",
  },
  free_fiber: {
    lang: "fr",
    currency: null,
    date: "02 Juillet 2015",
    due: "05 Juillet 2015",
    total: "29.99 € TTC",
    subtotal: "24.99",
    tax: "5.00",
  },
  oyo: { lang: "en", currency: null, date: "31/12/2017", total: "Rs 1939" },
  saeco: {
    lang: "nl",
    currency: "EUR",
    date: "8-9-2022",
    due: "22-9-2022",
    total: "49,99",
    subtotal: "41,31",
    tax: "8,68",
  },
  Orlen: {
    lang: "pl",
    currency: null,
    date: "2021-01-01",
    total: "316,83 PLN",
    subtotal: "257,59",
    tax: "59,24",
  },
};

const field = (value: string | null | undefined) => ({ value: value ?? null, quote: value ?? "" });

describe.skipIf(!corpusAvailable)("normalising the real invoice2data invoices", () => {
  it.each(Object.entries(PRINTED))(
    "%s matches invoice2data's expected date, total and currency",
    (name, printed) => {
      const [expected] = JSON.parse(readFileSync(path.join(REAL_DIR, `${name}.json`), "utf8")) as {
        date: string;
        amount: number;
        currency: string;
        date_due?: string;
      }[];
      const draft = normaliseInvoice(
        {
          document_type: "invoice",
          vendor: field("vendor"),
          vendor_vat_id: field(null),
          invoice_number: field("1"),
          invoice_date: field(printed.date),
          due_date: field(printed.due),
          currency: field(printed.currency),
          subtotal: field(printed.subtotal),
          tax: field(printed.tax),
          total: field(printed.total),
          iban: field(null),
          purchase_order: field(null),
          line_items: [],
        },
        { language: printed.lang },
      );
      expect(draft.invoiceDate).toBe(expected?.date);
      expect(draft.currency).toBe(expected?.currency);
      expect(draft.totalMinor === null ? null : Number(formatMinor(draft.totalMinor, draft.currency))).toBe(
        expected?.amount,
      );
      if (expected?.date_due) expect(draft.dueDate).toBe(expected.date_due);
      const checks = checkInvoice(draft, ["vendor", "invoice_number", "invoice_date", "currency", "total"]);
      expect(checks.filter((c) => c.status === "failed")).toEqual([]);
    },
  );
});

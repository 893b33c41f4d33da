import { describe, expect, it } from "vitest";
import { type DateHints, parseDate } from "../../src/invoices/parse-date.js";

const EUR_DE: DateHints = { currency: "EUR", language: "de" };
const USD_EN: DateHints = { currency: "USD", language: "en" };
const GBP_EN: DateHints = { currency: "GBP", language: "en" };

/** [as printed, hints, ISO date, ambiguous?] */
const FORMS: [string, DateHints, string, boolean][] = [
  // the labeled corpus
  ["12.03.2025", EUR_DE, "2025-03-12", false],
  ["26.03.2025", EUR_DE, "2025-03-26", false],
  ["06.05.2025", { currency: "CHF", language: "de" }, "2025-05-06", false],
  ["April 30, 2025", USD_EN, "2025-04-30", false],
  ["May 30, 2025", USD_EN, "2025-05-30", false],
  ["04/03/2025", GBP_EN, "2025-03-04", true],
  ["03/04/2025", GBP_EN, "2025-04-03", true],
  ["18 février 2025", { currency: "EUR", language: "fr" }, "2025-02-18", false],
  ["20 mars 2025", { currency: "EUR", language: "fr" }, "2025-03-20", false],
  ["2025-06-02", USD_EN, "2025-06-02", false],
  ["15 July 2025", { currency: "EUR", language: "en" }, "2025-07-15", false],
  ["01 May 2025", GBP_EN, "2025-05-01", false],
  ["06/20/2025", USD_EN, "2025-06-20", false],
  ["07/04/2025", USD_EN, "2025-07-04", true],
  ["12. März 2025", EUR_DE, "2025-03-12", false],
  ["12/03/2025", { currency: "EUR", language: "en" }, "2025-03-12", true],
  ["03/12/2025", USD_EN, "2025-03-12", true],
  // the invoice2data invoices
  ["August 3 , 2014", USD_EN, "2014-08-03", false],
  ["03/20/2023", USD_EN, "2023-03-20", false],
  ["04/04/2023", USD_EN, "2023-04-04", false],
  ["20-10-2015", { currency: "INR", language: "en" }, "2015-10-20", false],
  ["28/11/2022", { currency: "EUR", language: "fr" }, "2022-11-28", false],
  ["7. Mai 2014", EUR_DE, "2014-05-07", false],
  ["19 april 2014", { currency: "EUR", language: "nl" }, "2014-04-19", false],
  ["02 Juillet 2015", { currency: "EUR", language: "fr" }, "2015-07-02", false],
  ["8-9-2022", { currency: "EUR", language: "nl" }, "2022-09-08", true],
  ["22-9-2022", { currency: "EUR", language: "nl" }, "2022-09-22", false],
  ["31/12/2017", { currency: "INR", language: "en" }, "2017-12-31", false],
  ["2021-01-01", { currency: "PLN", language: "pl" }, "2021-01-01", false],
  // other common forms
  ["12 mars 2025", { currency: "EUR", language: "fr" }, "2025-03-12", false],
  ["1er mars 2025", { currency: "EUR", language: "fr" }, "2025-03-01", false],
  ["3rd May 2025", GBP_EN, "2025-05-03", false],
  ["Mar 12, 2025", USD_EN, "2025-03-12", false],
  ["Sept. 5, 2025", USD_EN, "2025-09-05", false],
  ["12-Mar-2025", GBP_EN, "2025-03-12", false],
  ["12.03.25", EUR_DE, "2025-03-12", false],
  ["2025/03/12", {}, "2025-03-12", false],
  ["20250312", {}, "2025-03-12", false],
  ["12 marzo 2025", { currency: "EUR", language: "it" }, "2025-03-12", false],
  ["12 de marzo de 2025", { currency: "EUR", language: "es" }, "2025-03-12", false],
  ["1 stycznia 2021", { currency: "PLN", language: "pl" }, "2021-01-01", false],
  ["Monday, 12 May 2025", GBP_EN, "2025-05-12", false],
];

/** Year, month and day with unit characters (field report 5), and the variants around them. */
const UNIT_FORMS: [string, string][] = [
  ["2025年3月12日", "2025-03-12"],
  ["2025년 3월 12일", "2025-03-12"],
  ["2025年03月12日", "2025-03-12"],
  ["２０２５年３月１２日", "2025-03-12"],
  ["2025 年 3 月 12 日", "2025-03-12"],
  ["2025年3月12日(水)", "2025-03-12"],
  ["2025年3月12日（水）", "2025-03-12"],
  ["2025년 3월 12일 (수)", "2025-03-12"],
  ["2025년3월12일", "2025-03-12"],
  ["2025. 3. 12.", "2025-03-12"],
  ["2025年3月12号", "2025-03-12"],
  ["令和7年3月12日", "2025-03-12"],
  ["令和元年5月1日", "2019-05-01"],
  ["平成31年4月30日", "2019-04-30"],
  ["昭和64年1月7日", "1989-01-07"],
  ["R7.3.12", "2025-03-12"],
  ["H31.4.30", "2019-04-30"],
];

describe("parseDate with unit characters", () => {
  it.each(UNIT_FORMS)("%s → %s", (printed, iso) => {
    expect(parseDate(printed)).toEqual({ ok: true, value: { iso, ambiguity: undefined, unsure: false } });
  });

  it.each(["2025年2月30日", "2025년 13월 1일", "令和7年", "2025年3月"])("refuses %j", (text) => {
    expect(parseDate(text).ok).toBe(false);
  });
});

describe("parseDate", () => {
  it.each(FORMS)("%s %j → %s", (printed, hints, iso, ambiguous) => {
    const result = parseDate(printed, hints);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.value.iso).toBe(iso);
    expect(result.value.ambiguity !== undefined).toBe(ambiguous);
    expect(result.value.unsure).toBe(false);
  });

  it("has a table of at least 30 real-world forms", () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(30);
  });

  it("decides an ambiguous day/month by currency, then language, and flags it when nothing decides", () => {
    expect(parseDate("04/03/2025", { currency: "USD" })).toMatchObject({
      ok: true,
      value: { iso: "2025-04-03", unsure: false },
    });
    expect(parseDate("04/03/2025", { language: "de" })).toMatchObject({
      ok: true,
      value: { iso: "2025-03-04" },
    });
    const unsure = parseDate("04/03/2025", {});
    expect(unsure).toMatchObject({ ok: true, value: { iso: "2025-03-04", unsure: true } });
    if (unsure.ok) expect(unsure.value.ambiguity).toMatch(/no currency or language/);
    expect(parseDate("04/03/2025", { currency: "USD", language: "de" })).toMatchObject({
      ok: true,
      value: { unsure: true },
    });
  });

  it("a dot always means day first; an impossible reading is dropped", () => {
    expect(parseDate("04.03.2025", { currency: "USD" })).toMatchObject({
      ok: true,
      value: { iso: "2025-03-04" },
    });
    expect(parseDate("13/04/2025", { currency: "USD" })).toMatchObject({
      ok: true,
      value: { iso: "2025-04-13", ambiguity: undefined },
    });
  });

  it.each(["", "31.02.2025", "soon", "13/13/2025", "2025-13-01", "32 May 2025"])("refuses %j", (text) => {
    expect(parseDate(text, EUR_DE).ok).toBe(false);
  });
});

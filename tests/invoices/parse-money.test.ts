import Big from "big.js";
import { describe, expect, it } from "vitest";
import { formatMinor, parseMoney } from "../../src/invoices/parse-money.js";

/** [as printed, currency of the invoice (or null), minor units, currency the text names] */
const FORMS: [string, string | null, number, string | undefined][] = [
  // the labeled corpus
  ["4.279,42 €", "EUR", 427942, "EUR"],
  ["3.596,15 €", "EUR", 359615, "EUR"],
  ["683,27 €", null, 68327, "EUR"],
  ["$14,295.00", null, 1429500, "USD"],
  ["$0.00", "USD", 0, "USD"],
  ["£1,148.88", null, 114888, "GBP"],
  ["£957.40", "GBP", 95740, "GBP"],
  ["CHF 6’148.00", null, 614800, "CHF"],
  ["CHF 1'234.50", null, 123450, "CHF"],
  ["1’180.00", "CHF", 118000, undefined],
  ["EUR 2,900.00", null, 290000, "EUR"],
  ["5 508,00 €", "EUR", 550800, "EUR"],
  ["4 590,00", "EUR", 459000, undefined],
  ["-$1,062.31", null, -106231, "USD"],
  ["-$990.50", "USD", -99050, "USD"],
  ["$1,540.00", null, 154000, "USD"],
  // the invoice2data invoices
  ["€ 35,27", null, 3527, "EUR"],
  ["€ 717,97", null, 71797, "EUR"],
  ["€ -9,32", null, -932, "EUR"],
  ["56,02 €", null, 5602, "EUR"],
  ["0,75 €", null, 75, "EUR"],
  ["Total EUR 34,73", null, 3473, "EUR"],
  ["29.99 € TTC", null, 2999, "EUR"],
  ["$ 279.84", null, 27984, "USD"],
  ["$4.11", null, 411, "USD"],
  ["Rs 1939", null, 193900, "INR"],
  ["319.00", "INR", 31900, undefined],
  ["₹ 1,23,456.78", null, 12345678, "INR"],
  ["316,83 PLN", null, 31683, "PLN"],
  ["316,83 zł", null, 31683, "PLN"],
  // other common forms
  ["1.234,56", "EUR", 123456, undefined],
  ["1,234.56", "USD", 123456, undefined],
  ["1 234,56", "EUR", 123456, undefined],
  ["1\u202f234,56 €", null, 123456, "EUR"],
  ["1.234.567,89", "EUR", 123456789, undefined],
  ["1,234,567.89", "USD", 123456789, undefined],
  ["(1,234.56)", "USD", -123456, undefined],
  ["990.50-", "USD", -99050, undefined],
  ["−71.81", "USD", -7181, undefined],
  ["12,5", "EUR", 1250, undefined],
  ["1.234", "EUR", 123400, undefined],
  ["1,234", "USD", 123400, undefined],
  ["0.500", "USD", 50, undefined],
  ["¥12,000", null, 12000, "JPY"],
  ["12000", "JPY", 12000, undefined],
  ["KWD 1.250", null, 1250, "KWD"],
  ["BHD 12.345", null, 12345, "BHD"],
  ["US$ 99.95", null, 9995, "USD"],
  ["14295", "USD", 1429500, undefined],
  // no cents, written as a dash (field report 4)
  ["1.037,-", "EUR", 103700, undefined],
  ["4 350:-", "SEK", 435000, undefined],
  ["CHF 1'250.–", null, 125000, "CHF"],
  ["EUR 99,--", null, 9900, "EUR"],
  ["Fr. 99.—", null, 9900, "CHF"],
  ["1 037,—", "EUR", 103700, undefined],
  ["-1.037,-", "EUR", -103700, undefined],
  ["SEK 4 350:-", null, 435000, "SEK"],
  ["12,=", "EUR", 1200, undefined],
  ["€ 1.250,–", null, 125000, "EUR"],
  // no integer part (field report 5)
  [",64 €", null, 64, "EUR"],
  [".50", "USD", 50, undefined],
  ["$.99", null, 99, "USD"],
  ["-,50 €", null, -50, "EUR"],
  // a sign before a currency word
  ["-kr 4.310,00", "SEK", -431000, undefined],
  ["kr 4.310,00-", "DKK", -431000, undefined],
  ["kr. 1.234,50", "DKK", 123450, undefined],
  ["- EUR 5,00", null, -500, "EUR"],
  ["(kr 990,50)", "SEK", -99050, undefined],
];

describe("parseMoney", () => {
  it.each(FORMS)("%s (%s) → %i minor units", (printed, currency, minor, named) => {
    const result = parseMoney(printed, currency);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.value.minor).toBe(minor);
    expect(result.value.currency).toBe(named);
  });

  it("has a table of at least 30 real-world forms", () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(30);
  });

  it("takes numbers as decimals, exactly", () => {
    expect(parseMoney(4279.42, "EUR")).toMatchObject({
      ok: true,
      value: { minor: 427942, decimal: "4279.42" },
    });
    expect(parseMoney(-1062.31, "USD")).toMatchObject({ ok: true, value: { minor: -106231 } });
    expect(parseMoney(0.1 + 0.2, "EUR")).toMatchObject({ ok: true, value: { minor: 30 } });
  });

  it("says when it had to round or guess the separator", () => {
    const rounded = parseMoney("12.345", "EUR");
    expect(rounded).toMatchObject({ ok: true, value: { minor: 1234500 } });
    if (rounded.ok) expect(rounded.value.notes[0]).toMatch(/thousands separator/);
    const cut = parseMoney("0.005", "EUR");
    expect(cut).toMatchObject({ ok: true, value: { minor: 1 } });
    if (cut.ok) expect(cut.value.notes).toContain("rounded to 2 decimal places");
  });

  it("says a dash stood for no cents", () => {
    const whole = parseMoney("1.037,-", "EUR");
    expect(whole.ok && whole.value.notes).toEqual(["read the dash after 1.037 as no cents"]);
  });

  it.each(["", "n/a", "abc", "1.234,56,78", "12,", "€", "--", "1e5", ",-", "1.2.3,-", "12.34,-"])(
    "refuses %j",
    (text) => {
      expect(parseMoney(text, "EUR").ok).toBe(false);
    },
  );

  it("formats minor units with the currency's exponent", () => {
    expect(formatMinor(427942, "EUR")).toBe("4279.42");
    expect(formatMinor(-106231, "USD")).toBe("-1062.31");
    expect(formatMinor(12000, "JPY")).toBe("12000");
    expect(formatMinor(1250, "KWD")).toBe("1.250");
    expect(formatMinor(-5, "USD")).toBe("-0.05");
    expect(formatMinor(5, "KWD")).toBe("0.005");
    expect(formatMinor(0, null)).toBe("0.00");
    expect(() => formatMinor(1.5, "EUR")).toThrow(RangeError);
  });

  it("formats exactly as decimal arithmetic does, for any whole number of minor units", () => {
    const samples = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1, -1, 9, 10, 99, 100, 101];
    let seed = 7; // Park–Miller: the same numbers on every run
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 2000; i += 1) samples.push(Math.round((next() - 0.5) * 10 ** (1 + (i % 15))));
    for (const minor of samples)
      for (const currency of ["EUR", "JPY", "KWD"]) {
        const exponent = currency === "JPY" ? 0 : currency === "KWD" ? 3 : 2;
        expect(formatMinor(minor, currency)).toBe(
          new Big(minor).div(new Big(10).pow(exponent)).toFixed(exponent),
        );
      }
  });
});

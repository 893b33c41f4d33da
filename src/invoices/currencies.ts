import { code as isoCurrency } from "currency-codes";

/**
 * ISO 4217 comes from the `currency-codes` package (its data is ingested from the ISO list-one XML); the
 * exponent ("digits") says how many minor units a currency has: JPY 0, EUR 2, KWD 3.
 */
export function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && isoCurrency(code) !== undefined;
}

/** currency-codes searches its list on every call; a ledger shows the same few currencies again and again. */
const exponents = new Map<string, number>();

/** Minor-unit digits of a currency; 2 when the currency is unknown or has none (gold, SDRs). */
export function currencyExponent(code: string | null | undefined): number {
  if (!code) return 2;
  let digits = exponents.get(code);
  if (digits === undefined) {
    const iso = isoCurrency(code)?.digits;
    digits = typeof iso === "number" && Number.isInteger(iso) ? iso : 2;
    exponents.set(code, digits);
  }
  return digits;
}

/**
 * Symbols and local abbreviations as printed on invoices, longest first so `US$` wins over `$`. `$` alone is read as
 * USD and `¥` as JPY; an explicit code on the invoice always wins over a symbol.
 */
const SYMBOLS: readonly (readonly [string, string])[] = [
  ["US$", "USD"],
  ["CA$", "CAD"],
  ["C$", "CAD"],
  ["AU$", "AUD"],
  ["A$", "AUD"],
  ["NZ$", "NZD"],
  ["HK$", "HKD"],
  ["S$", "SGD"],
  ["R$", "BRL"],
  ["Mex$", "MXN"],
  ["€", "EUR"],
  ["£", "GBP"],
  ["$", "USD"],
  ["¥", "JPY"],
  ["₹", "INR"],
  ["Rs.", "INR"],
  ["Rs", "INR"],
  ["₨", "INR"],
  ["zł", "PLN"],
  ["Kč", "CZK"],
  ["Ft", "HUF"],
  ["₩", "KRW"],
  ["₽", "RUB"],
  ["₺", "TRY"],
  ["₪", "ILS"],
  ["₫", "VND"],
  ["฿", "THB"],
  ["₱", "PHP"],
  ["₴", "UAH"],
  ["lei", "RON"],
  ["Fr.", "CHF"],
  ["SFr.", "CHF"],
];

/** Spoken or local names models write instead of a code. */
const NAMES: Readonly<Record<string, string>> = {
  EURO: "EUR",
  EUROS: "EUR",
  DOLLAR: "USD",
  DOLLARS: "USD",
  "US DOLLAR": "USD",
  "US DOLLARS": "USD",
  POUND: "GBP",
  POUNDS: "GBP",
  "POUND STERLING": "GBP",
  STERLING: "GBP",
  FRANKEN: "CHF",
  "SWISS FRANC": "CHF",
  "SWISS FRANCS": "CHF",
  RUPEE: "INR",
  RUPEES: "INR",
  ZLOTY: "PLN",
  ZŁOTY: "PLN",
  YEN: "JPY",
};

export interface CurrencyMatch {
  code: string;
  /** The text that named it: a code (`EUR`) or a symbol (`€`). */
  token: string;
  by: "code" | "symbol" | "name";
}

/** The currency a text names: an ISO code, then a symbol, then a name. */
export function findCurrency(text: string): CurrencyMatch | undefined {
  const upper = text.toUpperCase();
  for (const match of upper.matchAll(/(?<![A-Z])([A-Z]{3})(?![A-Z])/g)) {
    const candidate = match[1] ?? "";
    if (isIsoCurrency(candidate))
      return { code: candidate, token: text.slice(match.index, match.index + 3), by: "code" };
  }
  for (const [symbol, code] of SYMBOLS) {
    const at = symbolIndex(text, symbol);
    if (at >= 0) return { code, token: text.slice(at, at + symbol.length), by: "symbol" };
  }
  const name = NAMES[upper.trim().replace(/\s+/g, " ")];
  return name ? { code: name, token: text.trim(), by: "name" } : undefined;
}

/** Letter symbols (Rs, Ft, lei) only count as whole words, so "Rs" does not match inside "Orders". */
function symbolIndex(text: string, symbol: string): number {
  if (!/^[A-Za-zł.]+$/.test(symbol)) return text.indexOf(symbol);
  const escaped = symbol.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?<![\\p{L}])${escaped}(?![\\p{L}])`, "u").exec(text);
  return match ? match.index : -1;
}

/** Normalises what a model wrote as a currency (`€`, `eur`, `Euro`) to an ISO code, or undefined. */
export function toCurrencyCode(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const upper = trimmed.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper)) return upper;
  return findCurrency(trimmed)?.code;
}

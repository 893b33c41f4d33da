import Big from "big.js";
import { currencyExponent, findCurrency } from "./currencies.js";

export interface ParsedMoney {
  /** Integer minor units (cents, pence, yen): exact, no floating point. */
  minor: number;
  /** The decimal value as text, e.g. "-1062.31". */
  decimal: string;
  /** Currency named in the text itself (symbol or code), if any. */
  currency: string | undefined;
  /** What had to be assumed: shown with the field, so a person can check it. */
  notes: string[];
}

export type MoneyOutcome = { ok: true; value: ParsedMoney } | { ok: false; problem: string };

const SPACES = /[\s\u00a0\u2007\u202f]/g;
const GROUP_QUOTES = /['’ʼ`´]/g;
const MINUS = /^[-−–]|[-−–]$/;

/** No cents written as a dash: `1.037,-`, `EUR 99,--`, `CHF 1'250.–`, `4 350:-` (Swedish), `12,=`. */
const DASH_CENTS = /^(\d{1,3}(?:[.,]\d{3})+|\d+)[.,:][-−–—=]{1,2}$/;

/**
 * Reads an amount as printed on an invoice — `1.234,56`, `1,234.56`, `CHF 1'234.50`, `€ 35,27`, `-$1,062.31`,
 * `(990.50)`, `1,23,456.78`, `990.50-`, `1.037,-`, `4 350:-`, `,64 €`, `-kr 4.310,00` — into integer minor units of
 * `currency` (or of the currency the text names).
 *
 * The decimal separator is the last `.` or `,` when both occur. With only one kind: used more than once it groups
 * thousands; used once, it is decimal unless exactly three digits follow (then it groups thousands, except for
 * three-decimal currencies such as KWD). A separator followed by dashes means whole units; one with no digits
 * before it starts the fraction (`,64` is 0.64).
 */
export function parseMoney(input: string | number, currency?: string | null): MoneyOutcome {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, problem: `${input} is not an amount` };
    return fromDecimal(new Big(input), currency ?? undefined, undefined, []);
  }
  const text = input.trim();
  if (text === "") return { ok: false, problem: "empty amount" };
  const named = findCurrency(text);
  const code = currency ?? named?.code;
  let rest = named ? text.replace(named.token, " ") : text;
  let negative = false;
  if (/^\(.*\)$/.test(rest.trim())) {
    negative = true;
    rest = rest.trim().slice(1, -1);
  }
  // a sign before a currency word (`-kr 4.310,00`, `- EUR 5`) belongs to the amount
  const signedWord = /^[-−–]\s*(?=\p{L})/u.exec(rest.trim());
  if (signedWord) {
    negative = !negative;
    rest = rest.trim().slice(signedWord[0].length);
  }
  // words before or after the number (Total, TTC, HT, incl., kr) carry no amount
  rest = rest
    .trim()
    .replace(/^(?:\p{L}+\.?:?\s*)+/u, "")
    .replace(/(?:\s*\p{L}+\.?)+$/u, "")
    .replace(SPACES, "")
    .replace(GROUP_QUOTES, "");
  if (/^\(.*\)$/.test(rest)) {
    negative = !negative;
    rest = rest.slice(1, -1);
  }
  const notes: string[] = [];
  const whole = DASH_CENTS.exec(rest.replace(/^[-−–]/, ""));
  if (whole?.[1]) {
    if (/^[-−–]/.test(rest)) negative = !negative;
    rest = whole[1].replace(/[.,]/g, "");
    notes.push(`read the dash after ${whole[1]} as no cents`);
  }
  while (MINUS.test(rest)) {
    negative = !negative;
    rest = rest.replace(MINUS, "");
  }
  if (rest.startsWith("+")) rest = rest.slice(1);
  if (/^[.,]\d+$/.test(rest)) rest = `0${rest}`;
  if (!/^\d[\d.,]*$/.test(rest) || /[.,]$/.test(rest)) {
    return { ok: false, problem: `"${input}" is not an amount` };
  }
  const normalised = toPlainDecimal(rest, currencyExponent(code), notes);
  if (normalised === undefined)
    return { ok: false, problem: `"${input}" mixes separators in a way no locale uses` };
  const value = new Big(normalised);
  return fromDecimal(negative ? value.neg() : value, code, named?.code, notes);
}

function toPlainDecimal(digits: string, exponent: number, notes: string[]): string | undefined {
  const lastDot = digits.lastIndexOf(".");
  const lastComma = digits.lastIndexOf(",");
  if (lastDot >= 0 && lastComma >= 0) {
    const decimalSeparator = lastDot > lastComma ? "." : ",";
    const group = decimalSeparator === "." ? "," : ".";
    const [integer = "", fraction = ""] = digits.split(decimalSeparator);
    if (digits.split(decimalSeparator).length > 2 || fraction.includes(group)) return undefined;
    return `${integer.replaceAll(group, "")}.${fraction}`;
  }
  const separator = lastDot >= 0 ? "." : lastComma >= 0 ? "," : undefined;
  if (separator === undefined) return digits;
  const parts = digits.split(separator);
  if (parts.length > 2) return parts.join("");
  const [integer = "", fraction = ""] = parts;
  if (fraction.length === 3 && exponent !== 3 && integer !== "0") {
    notes.push(`read "${separator}" in ${digits} as a thousands separator`);
    return `${integer}${fraction}`;
  }
  return `${integer}.${fraction}`;
}

function fromDecimal(
  value: Big,
  code: string | undefined,
  named: string | undefined,
  notes: string[],
): MoneyOutcome {
  const exponent = currencyExponent(code);
  const scaled = value.times(new Big(10).pow(exponent));
  const rounded = scaled.round(0, Big.roundHalfUp);
  if (!rounded.eq(scaled)) notes.push(`rounded to ${exponent} decimal places`);
  const minor = Number(rounded.toFixed(0));
  if (!Number.isSafeInteger(minor)) return { ok: false, problem: `${value.toString()} is too large` };
  return {
    ok: true,
    value: {
      minor,
      decimal: rounded.div(new Big(10).pow(exponent)).toFixed(exponent),
      currency: named,
      notes,
    },
  };
}

/**
 * 427942 EUR → "4279.42", 500 JPY → "500", -5 USD → "-0.05"; for display and export. `minor` is a whole number of
 * minor units (throws RangeError otherwise): its digits are only split at the currency's exponent, exactly.
 */
export function formatMinor(minor: number, currency: string | null | undefined): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a whole number of minor units`);
  const exponent = currencyExponent(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const sign = minor < 0 ? "-" : "";
  return exponent === 0 ? `${sign}${whole}` : `${sign}${whole}.${digits.slice(digits.length - exponent)}`;
}

import { format } from "date-fns/format";
import { isValid } from "date-fns/isValid";
import { de } from "date-fns/locale/de";
import { enGB } from "date-fns/locale/en-GB";
import { enUS } from "date-fns/locale/en-US";
import { es } from "date-fns/locale/es";
import { fr } from "date-fns/locale/fr";
import { it } from "date-fns/locale/it";
import { nl } from "date-fns/locale/nl";
import { pl } from "date-fns/locale/pl";
import { pt } from "date-fns/locale/pt";
import { parse } from "date-fns/parse";

export interface DateHints {
  /** ISO currency of the invoice: USD suggests month-first, most others day-first. */
  currency?: string | null | undefined;
  /** Language of the document text (en, de, fr, …). */
  language?: string | null | undefined;
}

export interface ParsedDate {
  /** yyyy-MM-dd */
  iso: string;
  /** Set when day and month could be swapped; says which reading was taken and why. */
  ambiguity: string | undefined;
  /** True when nothing hinted at the order: a person should check the date. */
  unsure: boolean;
}

export type DateOutcome = { ok: true; value: ParsedDate } | { ok: false; problem: string };

type Locale = typeof enUS;
const LOCALES: Readonly<Record<string, Locale>> = { en: enGB, de, fr, nl, it, es, pl, pt };
const ALL_LOCALES: readonly Locale[] = [enUS, enGB, de, fr, nl, it, es, pl, pt];

const TEXT_FORMATS = [
  "d MMMM yyyy",
  "d. MMMM yyyy",
  "do MMMM yyyy",
  "MMMM d, yyyy",
  "MMMM d yyyy",
  "MMMM do, yyyy",
  "d MMM yyyy",
  "d. MMM yyyy",
  "MMM d, yyyy",
  "MMM d yyyy",
  "d-MMM-yyyy",
  "d-MMM-yy",
  "d MMM yy",
  "d 'de' MMMM 'de' yyyy",
  "EEEE, d MMMM yyyy",
  "EEEE d MMMM yyyy",
  "EEEE, d. MMMM yyyy",
  "EEEE, MMMM d, yyyy",
  "EEE, d MMM yyyy",
];

const REFERENCE = new Date(2000, 0, 1);
const NUMERIC = /^(\d{1,4})([./-])(\d{1,2})\2(\d{2}|\d{4})$/;

/**
 * Reads a date as printed (`12.03.2025`, `03/12/2025`, `12 mars 2025`, `March 12, 2025`, `7. Mai 2014`, `2025-03-12`)
 * into an ISO date. When day and month could both be either, the currency and language decide (USD/en-US:
 * month first; otherwise day first) and the result says so; with no hint at all it is marked unsure.
 */
export function parseDate(input: string, hints: DateHints = {}): DateOutcome {
  const text = tidy(input);
  if (text === "") return { ok: false, problem: "empty date" };
  const units = unitDate(text);
  if (units) return units;
  const numeric = NUMERIC.exec(text);
  if (numeric) return parseNumeric(text, numeric, hints);
  if (/^\d{8}$/.test(text)) return fromFormat(text, "yyyyMMdd", enUS);
  for (const locale of localesFor(hints.language)) {
    for (const pattern of TEXT_FORMATS) {
      const date = parse(text, pattern, REFERENCE, { locale });
      if (isValid(date)) return ok(date);
    }
  }
  return { ok: false, problem: `"${input}" is not a date docsort can read` };
}

function tidy(input: string): string {
  return (
    input
      .normalize("NFKC")
      .trim()
      // a weekday in brackets after a date: (水), (수), (Wed)
      .replace(/\s*[(（]\s*\p{L}{1,3}\.?\s*[)）]$/u, "")
      // Korean dotted dates: 2025. 3. 12.
      .replace(/^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?$/, "$1.$2.$3")
      .replace(/\s+/g, " ")
      .replace(/\s+,/g, ",")
      .replace(/\b(Sept)\b\.?/i, "Sep")
      .replace(/(\d)(?:st|nd|rd|th|er|e)\b/gi, "$1")
      .replace(/\.$/, "")
  );
}

/** Japanese eras in use on invoices: the Gregorian year before each era's first year. */
const ERAS: Readonly<Record<string, number>> = {
  令和: 2018,
  平成: 1988,
  昭和: 1925,
  R: 2018,
  H: 1988,
  S: 1925,
};

/**
 * Year, month and day with unit characters, as Japanese, Chinese and Korean print them: `2025年3月12日`,
 * `2025년 3월 12일`, `令和7年3月12日` (and `元年` for an era's first year), `R7.3.12`.
 */
function unitDate(text: string): DateOutcome | undefined {
  const units =
    /^(?:(令和|平成|昭和)\s*(\d{1,2}|元)|(\d{4}))\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]$/u.exec(
      text,
    );
  const initials = /^([RHS])(\d{1,2})[./-](\d{1,2})[./-](\d{1,2})$/.exec(text);
  if (!units && !initials) return undefined;
  const [era, eraYear, year, month, day] = units
    ? [units[1], units[2], units[3], units[4], units[5]]
    : [initials?.[1], initials?.[2], undefined, initials?.[3], initials?.[4]];
  const gregorian = era ? (ERAS[era] ?? 0) + (eraYear === "元" ? 1 : Number(eraYear)) : Number(year);
  const outcome = fromFormat(`${gregorian}-${month}-${day}`, "yyyy-M-d", enUS);
  return outcome.ok ? outcome : { ok: false, problem: `"${text}" is not a valid date` };
}

function parseNumeric(text: string, match: RegExpExecArray, hints: DateHints): DateOutcome {
  const [, first = "", separator = "", , third = ""] = match;
  if (first.length === 4) return fromFormat(text, `yyyy${separator}M${separator}d`, enUS);
  if (first.length === 3) return { ok: false, problem: `"${text}" is not a date docsort can read` };
  const year = third.length === 2 ? "yy" : "yyyy";
  const dayFirst = parse(text, `d${separator}M${separator}${year}`, REFERENCE);
  const monthFirst = parse(text, `M${separator}d${separator}${year}`, REFERENCE);
  const validDay = isValid(dayFirst);
  const validMonth = isValid(monthFirst) && separator !== ".";
  if (validDay && (!validMonth || dayFirst.getTime() === monthFirst.getTime())) return ok(dayFirst);
  if (validMonth && !validDay) return ok(monthFirst);
  if (!validDay) return { ok: false, problem: `"${text}" is not a valid date` };
  const order = preferredOrder(hints);
  const chosen = order.monthFirst ? monthFirst : dayFirst;
  const reading = order.monthFirst ? "month first" : "day first";
  return {
    ok: true,
    value: {
      iso: format(chosen, "yyyy-MM-dd"),
      ambiguity: `${text} could be day or month first; read ${reading} (${order.why})`,
      unsure: order.unsure,
    },
  };
}

function preferredOrder(hints: DateHints): { monthFirst: boolean; why: string; unsure: boolean } {
  const currency = hints.currency?.toUpperCase();
  const language = hints.language?.toLowerCase().slice(0, 2);
  if (currency === "USD") {
    if (language === undefined || language === "en") return { monthFirst: true, why: "USD", unsure: false };
    return { monthFirst: false, why: `language ${language}, although the currency is USD`, unsure: true };
  }
  if (currency && currency !== "USD") return { monthFirst: false, why: currency, unsure: false };
  if (language && language !== "en") return { monthFirst: false, why: `language ${language}`, unsure: false };
  return {
    monthFirst: false,
    why: currency ? `${currency} with language ${language}` : "no currency or language to go by",
    unsure: true,
  };
}

function fromFormat(text: string, pattern: string, locale: Locale): DateOutcome {
  const date = parse(text, pattern, REFERENCE, { locale });
  return isValid(date) ? ok(date) : { ok: false, problem: `"${text}" is not a valid date` };
}

function ok(date: Date): DateOutcome {
  return { ok: true, value: { iso: format(date, "yyyy-MM-dd"), ambiguity: undefined, unsure: false } };
}

function localesFor(language: string | null | undefined): readonly Locale[] {
  const preferred = language ? LOCALES[language.toLowerCase().slice(0, 2)] : undefined;
  return preferred ? [preferred, ...ALL_LOCALES.filter((l) => l !== preferred)] : ALL_LOCALES;
}

/** Content heuristics for the text formats that have no magic bytes (file-type returns undefined for them). */
import { guessUtf16 } from "./decode-text.js";
import { detectDelimiter, looksDelimited } from "./delimited-text.js";

const MAIL_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "received",
  "return-path",
  "content-type",
  "delivered-to",
  "reply-to",
  "x-mailer",
  "dkim-signature",
  "sender",
]);
const MAIL_ANCHORS = new Set(["from", "received", "mime-version", "message-id", "return-path"]);

/** NUL bytes or many control characters (outside a UTF-16 pattern) mean binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const [a, b] = bytes;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff) || guessUtf16(bytes)) return false;
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const byte = bytes[i] ?? 0;
    if (byte === 0) return true;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b) || byte === 0x7f) control++;
  }
  return control / Math.max(n, 1) > 0.05;
}

export function looksLikeEmail(text: string): boolean {
  // An mbox export starts with a "From sender date" separator line before the headers.
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/^From \S+.*\r?\n/, "")
    .split(/\r?\n/);
  const seen = new Set<string>();
  let headerLines = 0;
  for (const line of lines.slice(0, 200)) {
    if (line === "") break;
    if (/^[ \t]/.test(line) && headerLines > 0) continue;
    const match = /^([A-Za-z][A-Za-z0-9-]*):/.exec(line);
    if (!match?.[1]) return false;
    headerLines++;
    const key = match[1].toLowerCase();
    if (MAIL_HEADERS.has(key)) seen.add(key);
  }
  return headerLines >= 3 && seen.size >= 3 && [...seen].some((key) => MAIL_ANCHORS.has(key));
}

export function looksLikeHtml(text: string): boolean {
  const start = text
    .replace(/^\uFEFF/, "")
    .replace(/^(\s|<!--[\s\S]*?-->|<\?xml[^>]*>)*/, "")
    .slice(0, 1024)
    .toLowerCase();
  if (/^<(!doctype html|html|head|body)[\s>]/.test(start)) return true;
  return /<html[\s>]/.test(text.slice(0, 4096).toLowerCase());
}

export function looksLikeXml(text: string): boolean {
  return (
    /^\uFEFF?\s*<\?xml\s/.test(text) || /^\uFEFF?\s*<[A-Za-z][\w:.-]*(\s[^>]*)?>/.test(text.slice(0, 512))
  );
}

export function looksLikeJson(text: string, truncated: boolean): boolean {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!/^[[{]/.test(trimmed)) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    // A head cut off mid-document cannot parse; the opening shape is the evidence then.
    return truncated && /^(\{\s*"|\[\s*[[{"\d-])/.test(trimmed);
  }
}

/** Counts distinct kinds of Markdown syntax; two or more are convincing. */
export function markdownSignals(text: string): number {
  const sample = text.slice(0, 20_000);
  const signals = [
    /^#{1,6}\s+\S/m,
    /^\s*[-*+]\s+\S/m,
    /^\s*\d+\.\s+\S/m,
    /\*\*[^*\n]+\*\*|__[^_\n]+__/,
    /\[[^\]\n]+\]\([^)\s]+\)/,
    /^\|?\s*:?-{3,}:?\s*\|/m,
    /^```/m,
    /^>\s+\S/m,
  ];
  return signals.filter((re) => re.test(sample)).length;
}

/**
 * A table with a delimiter in every row. Commas that are mostly decimal commas (`0,12  1,20` in a space-aligned
 * invoice) make no CSV: split there, `1.436,81 EUR` would become two cells.
 */
export function looksLikeCsv(text: string): boolean {
  const sample = text.slice(0, 64 * 1024);
  const guess = detectDelimiter(sample);
  if (!looksDelimited(guess)) return false;
  return guess.delimiter !== "," || !mostlyDecimalCommas(sample);
}

function mostlyDecimalCommas(text: string): boolean {
  const commas = text.match(/,/g)?.length ?? 0;
  const decimals = text.match(/\d,\d{1,2}(?=[ \t]|$|[ \t]*[A-Z€$£¥])/gm)?.length ?? 0;
  return commas > 0 && decimals / commas > 0.5;
}

/**
 * Turns what a person types into an FTS5 MATCH expression that can never be a syntax error
 * (https://sqlite.org/fts5.html#full_text_query_syntax):
 * - every word matches as a prefix (`rechn` finds "Rechnung"), all words must occur;
 * - a word with punctuation inside (`HR-2025-0417`, `info@acme.de`) and a "quoted phrase" match as a phrase;
 * - `OR` between two terms makes either enough.
 * Only letters and digits reach FTS5, so quotes, parentheses, `*`, `:` or `NEAR` typed by a person are plain text.
 * Returns undefined when nothing searchable is left.
 */
export function toMatchExpression(input: string): string | undefined {
  const parts: string[] = [];
  let pendingOr = false;
  for (const chunk of chunks(input)) {
    if (!chunk.quoted && chunk.text === "OR") {
      pendingOr = parts.length > 0;
      continue;
    }
    const tokens = wordsOf(chunk.text);
    if (tokens.length === 0) continue;
    const phrase = `"${tokens.join(" ")}"${chunk.quoted ? "" : "*"}`;
    const last = parts.length - 1;
    if (pendingOr && last >= 0) parts[last] = `${parts[last]} OR ${phrase}`;
    else parts.push(phrase);
    pendingOr = false;
  }
  if (parts.length === 0) return undefined;
  return parts.map((part) => (part.includes(" OR ") ? `(${part})` : part)).join(" AND ");
}

interface Chunk {
  text: string;
  quoted: boolean;
}

function chunks(input: string): Chunk[] {
  const result: Chunk[] = [];
  for (const match of input.matchAll(/"([^"]*)"?|(\S+)/g)) {
    if (match[1] !== undefined) result.push({ text: match[1], quoted: true });
    else if (match[2] !== undefined) result.push({ text: match[2], quoted: false });
  }
  return result;
}

/** Letters and digits, the way FTS5's unicode61 tokenizer splits them. */
function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

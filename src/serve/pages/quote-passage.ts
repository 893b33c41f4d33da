/** A quote found in a text, with some context on each side. */
export interface Passage {
  before: string;
  quote: string;
  after: string;
}

const MAX_QUOTE_WORDS = 60;

/**
 * Finds `quote` in `text` ignoring case and differences in white space (the model's evidence quote keeps words,
 * not line breaks), and returns it with up to `context` characters around it. Undefined when the quote is not in
 * the text — worth showing: the model quoted something the document does not say.
 */
export function findPassage(text: string, quote: string, context = 280): Passage | undefined {
  const words = quote.trim().split(/\s+/).filter(Boolean).slice(0, MAX_QUOTE_WORDS);
  if (words.length === 0) return undefined;
  const pattern = new RegExp(words.map(escapeRegExp).join("\\s+"), "iu");
  const match = pattern.exec(text);
  if (!match) return undefined;
  const start = match.index;
  const end = start + match[0].length;
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  return {
    before: (from > 0 ? "…" : "") + text.slice(from, start),
    quote: match[0],
    after: text.slice(end, to) + (to < text.length ? "…" : ""),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

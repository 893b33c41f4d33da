import type { TextClassifier, Verdict } from "./answer-model.js";

/** Words that make a category, as the synthetic documents of the bench use them (lower case). */
export const CATEGORY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  invoice: ["invoice", "amount due", "bill to", "vat", "payment terms"],
  receipt: ["receipt", "paid with", "thank you for your purchase", "change given", "cashier"],
  purchase_order: ["purchase order", "deliver to", "ordered by", "supplier", "po number"],
  contract: ["agreement", "the parties", "hereby agree", "term of this", "governing law"],
  resume: ["curriculum vitae", "work experience", "education", "skills", "references available"],
  bank_statement: ["statement of account", "opening balance", "closing balance", "transactions", "iban"],
  letter: ["dear", "yours sincerely", "kind regards", "we are writing", "please contact"],
  other: ["minutes", "quotation", "delivery note", "agenda", "estimate"],
};

const SUMMARY_WORDS = 20;
const EVIDENCE_WORDS = 15;

function words(text: string, max: number): string {
  return text.split(/\s+/).filter(Boolean).slice(0, max).join(" ");
}

function count(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n += 1;
  return n;
}

/**
 * A deterministic classifier over the text it is shown: the category whose keywords occur most often wins;
 * confidence grows with the margin over the runner-up. No keyword at all: the last category (`other`), unsure.
 */
export const keywordClassifier: TextClassifier = (text, categories) => {
  const lower = text.toLowerCase();
  const scores = categories.map((category) => ({
    category,
    score: (CATEGORY_KEYWORDS[category] ?? []).reduce((sum, k) => sum + count(lower, k), 0),
  }));
  scores.sort((a, b) => b.score - a.score);
  const [top, second] = scores;
  const fallback = categories.includes("other") ? "other" : (categories.at(-1) ?? "other");
  if (!top || top.score === 0) return verdict(text, fallback, 0.35, "");
  const margin = (top.score - (second?.score ?? 0)) / top.score;
  const keyword = (CATEGORY_KEYWORDS[top.category] ?? []).find((k) => lower.includes(k)) ?? "";
  return verdict(text, top.category, Math.round((0.55 + 0.4 * margin) * 100) / 100, keyword);
};

/** A verdict with a summary and an evidence quote of the length a model writes when nothing limits them. */
export function verdict(text: string, category: string, confidence: number, keyword: string): Verdict {
  const lines = text.split("\n").map((l) => l.trim());
  const first = lines.find((l) => l.length > 0) ?? "";
  const quoted =
    lines.find((l) => keyword !== "" && l.toLowerCase().includes(keyword.toLowerCase())) ?? first;
  const label = category.replace(/_/g, " ");
  return {
    category,
    confidence,
    summary: words(`A ${label}: ${first} ${lines.slice(1).join(" ")}`, SUMMARY_WORDS),
    evidence: words(quoted, EVIDENCE_WORDS),
  };
}

import type { BuiltinClassifier } from "../classify/builtin/builtin-classifier.js";
import { ExamplesIndex, type SimilarExample } from "../store/examples-index.js";
import type { Store } from "../store/store.js";
import { storedRanking } from "./decision-details.js";
import type { ReviewItem } from "./review-queue.js";

export interface ReviewCard {
  id: number;
  name: string;
  path: string;
  status: string;
  category: string | null;
  confidence: number | null;
  source: string | null;
  summary: string;
  evidence: string;
  reason: string;
  reasonKind: string;
  amount: number | null;
  priority: boolean;
  /** Other likely categories (the built-in classifier's ranking), best first. */
  alternatives: { category: string; probability: number }[];
  /** Confirmed documents that look like this one. */
  similar: SimilarExample[];
}

const ALTERNATIVES = 3;
const SIMILAR = 3;

/** Everything a person needs to decide on one document. */
export function buildReviewCard(store: Store, item: ReviewItem, builtin: BuiltinClassifier): ReviewCard {
  const { document, classification } = item;
  const text = store.extractions.latest(document.id)?.text ?? "";
  const ranking =
    storedRanking(classification) ??
    (text.trim() ? builtin.rank({ name: document.name, text })?.ranking : undefined) ??
    [];
  return {
    id: document.id,
    name: document.name,
    path: document.path,
    status: document.status,
    category: classification?.category ?? null,
    confidence: classification?.confidence ?? null,
    source: classification?.source ?? null,
    summary: classification?.summary ?? "",
    evidence: classification?.evidence ?? "",
    reason: item.reason,
    reasonKind: item.reasonKind,
    amount: item.amount,
    priority: item.priority,
    alternatives: ranking
      .filter((r) => r.category !== classification?.category)
      .slice(0, ALTERNATIVES)
      .map((r) => ({ category: r.category, probability: Math.round(r.probability * 1000) / 1000 })),
    similar: text.trim() ? new ExamplesIndex(store.db).similar(text, SIMILAR, document.id) : [],
  };
}

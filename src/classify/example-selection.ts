import type { Config } from "../config/schema.js";
import type { SimilarExample } from "../store/examples-index.js";
import { estimateOptions } from "./token-budget.js";
import { estimateTokens, type TokenEstimateOptions } from "./token-estimate.js";

/** Which of the confirmed documents bm25 found are worth their tokens in the prompt. */
export interface ExamplePolicy {
  /** Least similarity (0–1, see `similarity`) for an example to be shown. */
  minSimilarity: number;
  /** Most estimated tokens all examples together may add to the prompt. */
  maxTokens: number;
  estimate?: TokenEstimateOptions;
}

export interface ChosenExample extends SimilarExample {
  /** Share of words the example's excerpt and the start of the document have in common (Dice, 0–1). */
  similarity: number;
}

/** The tags and line breaks around each example in the prompt (see prompts/classify.md). */
const FRAME_TOKENS = 12;
/** The sentence that introduces the examples, paid once when any is shown. */
const INTRO_TOKENS = 40;

function words(text: string): Set<string> {
  const folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  return new Set((folded.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3));
}

/**
 * How alike an example's excerpt (the start of a confirmed document) and the start of a new document of the same
 * length are: the Dice coefficient of their sets of words of 3 or more letters, 2|A∩B| / (|A| + |B|), 0 to 1.
 * bm25 only ranks; it finds a "closest" document even when a single common word is shared.
 */
export function similarity(excerpt: string, text: string): number {
  const a = words(excerpt);
  const b = words(text.replace(/\s+/g, " ").slice(0, Math.max(excerpt.length, 200)));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/**
 * The examples (in bm25 order) at least `minSimilarity` alike the document, as many as fit `maxTokens` with their
 * framing and introduction.
 */
export function chooseExamples(
  found: readonly SimilarExample[],
  text: string,
  policy: ExamplePolicy,
): ChosenExample[] {
  const chosen: ChosenExample[] = [];
  let tokens = INTRO_TOKENS;
  for (const example of found) {
    const score = similarity(example.excerpt, text);
    if (score < policy.minSimilarity) continue;
    const cost = estimateTokens(example.excerpt, policy.estimate) + FRAME_TOKENS;
    if (tokens + cost > policy.maxTokens) continue;
    tokens += cost;
    chosen.push({ ...example, similarity: Math.round(score * 1000) / 1000 });
  }
  return chosen;
}

/** The policy the configuration sets (tokens.exampleMinSimilarity, tokens.exampleTokens). */
export function examplePolicy(config: Pick<Config, "tokens" | "model">): ExamplePolicy {
  return {
    minSimilarity: config.tokens.exampleMinSimilarity,
    maxTokens: config.tokens.exampleTokens,
    estimate: estimateOptions(config.model),
  };
}

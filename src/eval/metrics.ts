export interface EvalCase {
  file: string;
  expected: string;
  /** null: no prediction (no text, or the classifier failed). */
  predicted: string | null;
  confidence: number | null;
  /** Would have gone to needs_review. */
  abstained: boolean;
  source: string | null;
  extractMs: number;
  classifyMs: number | null;
  promptTokens: number | null;
  outputTokens: number | null;
  error: string | null;
  /** Files shown to the model as confirmed examples. */
  examples: string[];
}

export interface CategoryMetrics {
  category: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Distribution {
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface EvalMetrics {
  documents: number;
  correct: number;
  accuracy: number;
  abstained: number;
  abstentionRate: number;
  /** Accuracy of the documents that would not have gone to review. */
  decidedAccuracy: number | null;
  perCategory: CategoryMetrics[];
  /** confusion[expected][predicted]; "(none)" when nothing was predicted. */
  confusion: Record<string, Record<string, number>>;
  extractMs: Distribution;
  classifyMs: Distribution | null;
  promptTokens: { total: number; mean: number } | null;
  outputTokens: { total: number; mean: number } | null;
}

export const NONE = "(none)";

export function computeMetrics(cases: readonly EvalCase[], categories: readonly string[]): EvalMetrics {
  const correct = cases.filter((c) => c.predicted === c.expected).length;
  const abstained = cases.filter((c) => c.abstained).length;
  const decided = cases.filter((c) => !c.abstained);
  const confusion: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const row = confusion[c.expected] ?? {};
    confusion[c.expected] = row;
    const predicted = c.predicted ?? NONE;
    row[predicted] = (row[predicted] ?? 0) + 1;
  }
  const perCategory = categories
    .filter((category) => cases.some((c) => c.expected === category || c.predicted === category))
    .map((category) => {
      const tp = cases.filter((c) => c.expected === category && c.predicted === category).length;
      const predicted = cases.filter((c) => c.predicted === category).length;
      const support = cases.filter((c) => c.expected === category).length;
      const precision = predicted > 0 ? tp / predicted : 0;
      const recall = support > 0 ? tp / support : 0;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      return { category, support, precision: round(precision), recall: round(recall), f1: round(f1) };
    });
  const classifyTimes = cases.map((c) => c.classifyMs).filter((n): n is number => n !== null);
  return {
    documents: cases.length,
    correct,
    accuracy: round(cases.length > 0 ? correct / cases.length : 0),
    abstained,
    abstentionRate: round(cases.length > 0 ? abstained / cases.length : 0),
    decidedAccuracy:
      decided.length > 0
        ? round(decided.filter((c) => c.predicted === c.expected).length / decided.length)
        : null,
    perCategory,
    confusion,
    extractMs: distribution(cases.map((c) => c.extractMs)),
    classifyMs: classifyTimes.length > 0 ? distribution(classifyTimes) : null,
    promptTokens: tokens(cases.map((c) => c.promptTokens)),
    outputTokens: tokens(cases.map((c) => c.outputTokens)),
  };
}

function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
  return { mean: round(mean, 1), p50: round(at(0.5), 1), p95: round(at(0.95), 1), max: round(at(1), 1) };
}

function tokens(values: readonly (number | null)[]): { total: number; mean: number } | null {
  const known = values.filter((n): n is number => n !== null);
  if (known.length === 0) return null;
  const total = known.reduce((a, b) => a + b, 0);
  return { total, mean: round(total / known.length, 1) };
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

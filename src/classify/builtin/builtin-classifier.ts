import type { ClassificationDecision, ClassifyInput } from "../document-classifier.js";
import { BuiltinModel, type CategoryScore, type TrainingExample } from "./builtin-model.js";
import { SEED_EXAMPLES } from "./seed-examples.js";

/** Where confirmed documents come from; `version` changes whenever they do. */
export interface ConfirmedSource {
  version(): string;
  examples(): TrainingExample[];
}

export interface BuiltinRanking {
  ranking: CategoryScore[];
  model: BuiltinModel;
  latencyMs: number;
}

export const BUILTIN_MODEL_NAME = "builtin";

/**
 * The classifier that needs no server: trained from the shipped seed examples plus every document a person
 * confirmed, and retrained (in well under a second) whenever the confirmed set changes.
 */
export class BuiltinClassifier {
  private trained: { version: string; model: BuiltinModel | undefined } | undefined;

  constructor(
    private readonly taxonomy: readonly string[],
    private readonly confirmed: () => ConfirmedSource | undefined,
  ) {}

  /** The current model, retrained first if the confirmed documents changed; undefined with too little data. */
  model(): BuiltinModel | undefined {
    const source = this.confirmed();
    const version = source?.version() ?? "none";
    if (this.trained?.version !== version) {
      this.trained = {
        version,
        model: BuiltinModel.train([...seedTrainingExamples(), ...(source?.examples() ?? [])], this.taxonomy),
      };
    }
    return this.trained.model;
  }

  rank(input: Pick<ClassifyInput, "name" | "text">): BuiltinRanking | undefined {
    const model = this.model();
    if (!model) return undefined;
    const started = performance.now();
    const ranking = model.rank(input.text, input.name);
    return { ranking, model, latencyMs: performance.now() - started };
  }
}

export function seedTrainingExamples(): TrainingExample[] {
  return SEED_EXAMPLES.map((s) => ({ category: s.category, text: s.text, seed: true }));
}

/** A decision made by the built-in classifier alone. */
export function builtinDecision(
  input: Pick<ClassifyInput, "name" | "text">,
  result: BuiltinRanking,
  extra: Record<string, unknown> = {},
): ClassificationDecision {
  const [top] = result.ranking;
  if (!top) throw new Error("the built-in classifier returned no category");
  const evidence = result.model.explain(input.text, input.name, top.category);
  return {
    category: top.category,
    confidence: round(top.probability),
    summary: firstLine(input.text) || input.name,
    evidence: evidence.length > 0 ? `words: ${evidence.join(", ")}` : "",
    source: "builtin",
    model: BUILTIN_MODEL_NAME,
    promptHash: null,
    numCtx: null,
    promptTokens: null,
    outputTokens: null,
    estimatedPromptTokens: null,
    latencyMs: Math.round(result.latencyMs),
    truncated: false,
    attempts: 1,
    rawOutput: null,
    details: { builtin: builtinDetails(result), ...extra },
  };
}

/** What is stored with every classification about the built-in classifier's opinion. */
export function builtinDetails(result: BuiltinRanking) {
  const { stats } = result.model;
  return {
    ranking: result.ranking
      .slice(0, 3)
      .map((r) => ({ category: r.category, probability: round(r.probability) })),
    trainedOn: stats.examples,
    confirmed: stats.examples - stats.seeds,
    temperature: stats.temperature,
  };
}

function firstLine(text: string): string {
  const line = text
    .split("\n")
    .map((l) =>
      l
        .replace(/[#*|=_-]{2,}/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .find((l) => l.length >= 3);
  if (!line) return "";
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

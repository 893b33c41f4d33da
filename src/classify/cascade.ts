import type { BuiltinConfig } from "../config/schema.js";
import type { SimilarExample } from "../store/examples-index.js";
import type { RuleRecord } from "../store/rules-repo.js";
import {
  type BuiltinClassifier,
  type BuiltinRanking,
  builtinDecision,
  builtinDetails,
  round,
} from "./builtin/builtin-classifier.js";
import {
  type ClassificationDecision,
  type ClassifyInput,
  type DocumentClassifier,
  NO_MODEL_CALL,
} from "./document-classifier.js";
import { ModelCallError } from "./model-errors.js";
import { describeRule, matchRules, type RuleMatch } from "./rules/match-rules.js";

export interface CascadeParts {
  rules: () => readonly RuleRecord[];
  builtin: BuiltinClassifier;
  /** The model, with similar confirmed examples in its prompt. */
  llm: DocumentClassifier;
  /** Whether an unavailable model means "classify with the built-in classifier" rather than "wait". */
  fallsBack: () => boolean;
  /** The nearest confirmed documents, for the decision to skip the model. */
  neighbours: (input: ClassifyInput, k: number) => SimilarExample[];
  settings: BuiltinConfig;
  /** After the model was found unavailable, it is not asked again for this long (documents use the fallback). */
  modelRetryMs?: number;
  now?: () => number;
}

const DEFAULT_MODEL_RETRY_MS = 30_000;

/**
 * Rules first; then the built-in classifier, which may answer alone when it is sure and confirmed neighbours
 * agree; then the model, whose confidence the built-in classifier's opinion adjusts. When the model is
 * unavailable and the fallback allows it, the built-in classifier decides instead of leaving documents waiting.
 */
export class CascadeClassifier implements DocumentClassifier {
  private modelDownUntil = 0;
  private modelDownReason: string | undefined;

  constructor(private readonly parts: CascadeParts) {}

  async classify(input: ClassifyInput, signal?: AbortSignal): Promise<ClassificationDecision> {
    const rules = matchRules(this.parts.rules(), input);
    if (rules.kind === "match") return ruleDecision(rules.category, rules.matches);
    const conflict = rules.kind === "conflict" ? conflictReason(rules.matches) : undefined;
    const withConflict = (decision: ClassificationDecision): ClassificationDecision =>
      conflict
        ? {
            ...decision,
            reviewReason: conflict,
            details: {
              ...decision.details,
              ruleConflict: rules.kind === "conflict" ? ruleIds(rules.matches) : [],
            },
          }
        : decision;

    // The built-in ranking is only needed before the model call when it may replace it (skipModelAbove set);
    // otherwise it is taken after the answer, so the request is not held up by its (re)training.
    const rank = () => this.parts.builtin.rank(input);
    let builtin: BuiltinRanking | undefined;
    if (this.parts.settings.skipModelAbove !== null) {
      builtin = rank();
      const skip = builtin && this.skipModel(input, builtin);
      if (builtin && skip) return withConflict(builtinDecision(input, builtin, { skippedModel: skip }));
    }

    const now = this.parts.now ?? Date.now;
    if (now() < this.modelDownUntil && this.parts.fallsBack()) {
      builtin ??= rank();
      if (builtin) return withConflict(builtinDecision(input, builtin, { fallback: this.modelDownReason }));
    }
    let decision: ClassificationDecision;
    try {
      decision = await this.parts.llm.classify(input, signal);
    } catch (error) {
      if (!(error instanceof ModelCallError) || error.kind !== "unavailable" || !this.parts.fallsBack())
        throw error;
      builtin ??= rank();
      if (!builtin) throw error;
      this.modelDownUntil = now() + (this.parts.modelRetryMs ?? DEFAULT_MODEL_RETRY_MS);
      this.modelDownReason = error.message;
      return withConflict(builtinDecision(input, builtin, { fallback: error.message }));
    }
    this.modelDownUntil = 0;
    builtin ??= rank();
    return withConflict(builtin ? crossCheck(decision, builtin, this.parts.settings) : decision);
  }

  /** Configurable, off by default: a confident built-in answer backed by agreeing confirmed neighbours. */
  private skipModel(input: ClassifyInput, builtin: BuiltinRanking): string | undefined {
    const { skipModelAbove, skipModelNeighbours } = this.parts.settings;
    const [top] = builtin.ranking;
    if (skipModelAbove === null || !top || top.probability < skipModelAbove) return undefined;
    const neighbours = this.parts.neighbours(input, skipModelNeighbours);
    if (neighbours.length < skipModelNeighbours || neighbours.some((n) => n.category !== top.category)) {
      return undefined;
    }
    return `built-in ${top.category} ${top.probability.toFixed(2)} ≥ ${skipModelAbove}, and the ${neighbours.length} nearest confirmed documents agree`;
  }
}

/**
 * Once the built-in classifier has learned from enough confirmed documents, its opinion counts: agreement raises
 * the model's confidence a little, disagreement lowers it, and a confident disagreement sends the document to a
 * person. Before that, its opinion is only recorded.
 */
export function crossCheck(
  decision: ClassificationDecision,
  builtin: BuiltinRanking,
  settings: Pick<BuiltinConfig, "crossCheckAfter" | "disagreeAbove">,
): ClassificationDecision {
  const details = builtinDetails(builtin);
  const [top] = builtin.ranking;
  const opinion = { ...details, agrees: top?.category === decision.category };
  if (!top || details.confirmed < settings.crossCheckAfter) {
    return { ...decision, details: { ...decision.details, builtin: { ...opinion, counted: false } } };
  }
  const before = decision.confidence;
  const agrees = top.category === decision.category;
  const confidence = agrees
    ? 1 - (1 - before) * (1 - top.probability / 2)
    : before * (1 - top.probability / 2);
  const disagreement =
    !agrees && top.probability >= settings.disagreeAbove
      ? `the built-in classifier disagrees: ${top.category} ${top.probability.toFixed(2)} vs ${decision.category} ${before.toFixed(2)} from the model`
      : undefined;
  return {
    ...decision,
    confidence: round(confidence),
    ...(disagreement ? { reviewReason: decision.reviewReason ?? disagreement } : {}),
    details: { ...decision.details, builtin: { ...opinion, counted: true, modelConfidence: before } },
  };
}

function ruleDecision(category: string, matches: RuleMatch[]): ClassificationDecision {
  const described = matches.map((m) => describeRule(m.rule));
  return {
    category,
    confidence: 1,
    summary: `rule ${described.join("; ")}`,
    evidence: matches[0]?.matched ?? "",
    source: "rule",
    ...NO_MODEL_CALL,
    latencyMs: 0,
    details: { rules: ruleIds(matches) },
  };
}

function conflictReason(matches: RuleMatch[]): string {
  return `rule conflict: ${matches.map((m) => `#${m.rule.id} → ${m.rule.category}`).join(", ")}`;
}

function ruleIds(matches: RuleMatch[]): number[] {
  return matches.map((m) => m.rule.id);
}

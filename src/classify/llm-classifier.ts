import type { z } from "zod";
import type { Category, ModelConfig } from "../config/schema.js";
import { evidenceProblem, salvageConfidence } from "./classification-checks.js";
import {
  ANSWER_MAX_TOKENS,
  buildAnswerCheck,
  buildClassificationSchema,
  type ClassificationSchema,
  EVIDENCE_MAX_CHARS,
  type ModelClassification,
  SUMMARY_MAX_CHARS,
} from "./classification-schema.js";
import { callFitted, type FittedCall, structuredOptions } from "./fitted-call.js";
import type { ModelHosts } from "./hosts/model-hosts.js";
import { HumanMessage } from "./langchain.js";
import { InvalidModelOutputError, type ModelCallError } from "./model-errors.js";
import { parseCutOutput } from "./parse-model-output.js";
import type { PromptTemplate, PromptValues } from "./prompt-template.js";
import { callStructured } from "./structured-call.js";
import { createTokenCalibration, type TokenCalibration } from "./token-calibration.js";

export interface ClassifyRequest {
  text: string;
  name: string;
  /** Confirmed documents similar to this one, shown to the model as examples. */
  examples?: readonly { category: string; excerpt: string; documentId?: number }[];
}

export interface LlmClassification extends ModelClassification {
  model: string;
  promptHash: string;
  numCtx: number;
  promptTokens: number | null;
  /** Prompt tokens Ollama reused from its prefix cache, when it reports them (not part of promptTokens). */
  promptCachedTokens: number | null;
  outputTokens: number | null;
  estimatedPromptTokens: number;
  latencyMs: number;
  truncated: boolean;
  omittedChars: number;
  /** Model calls made: 1, or more when an answer needed a repair, was cut, or its prompt was cut. */
  attempts: number;
  rawOutput: string;
  /** Transport retries before a call went through. */
  retries: number;
  /** The model host that answered (its base URL). */
  host: string;
  warnings: string[];
  /**
   * Why a person must review this answer whatever its confidence: the server cut the prompt twice, or the answer
   * was salvaged or implausible (see classification-checks.ts).
   */
  reviewReason?: string;
  /** Characters of document text in the prompt of the answer (head and tail with the omission marker). */
  sentChars: number;
  /** Estimated tokens of that text. */
  sentTokens: number;
  /** The first answer, to a shortened text, was unsure: the document was sent again with more of its text. */
  escalated: boolean;
  /** The first pass of an escalated document: what it sent, answered and cost (Ollama's counts). */
  firstPass?: {
    category: string;
    confidence: number;
    sentChars: number;
    sentTokens: number;
    promptTokens: number | null;
    promptCachedTokens: number | null;
    outputTokens: number | null;
  };
}

/**
 * How much of a document the first request sends: its beginning and end, `firstPassTokens` estimated tokens of it
 * (0: as much as num_ctx allows). An answer less confident than `escalateBelow` (or one a person must review) to a
 * text that was cut for this budget is asked for once more with as much text as num_ctx allows.
 */
export interface PromptBudget {
  firstPassTokens: number;
  escalateBelow: number;
}

export interface LlmClassifierOptions {
  model: ModelConfig;
  categories: readonly Category[];
  prompt: PromptTemplate;
  /** What Ollama's counts taught about this model's prompt sizes (default: learned in memory only). */
  calibration?: TokenCalibration;
  /** First retry delay; doubles each time, with jitter. */
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
  /** Where model requests go (default: `model.host` alone). */
  hosts?: ModelHosts;
  /** Default: no first-pass budget; every request sends as much text as num_ctx allows. */
  budget?: PromptBudget;
}

/** A cut answer is asked for again with this many times the output budget. */
const CUT_BUDGET_FACTOR = 2;

export class LlmClassifier {
  private readonly schema: ClassificationSchema;
  private readonly format: z.ZodObject;
  /** The configured model, with num_predict bounded by what an answer within the schema's limits can take. */
  private readonly model: ModelConfig;
  private readonly calibration: TokenCalibration;

  constructor(private readonly options: LlmClassifierOptions) {
    this.schema = buildAnswerCheck(options.categories);
    this.format = buildClassificationSchema(options.categories);
    this.model = { ...options.model, numPredict: Math.min(options.model.numPredict, ANSWER_MAX_TOKENS) };
    this.calibration = options.calibration ?? createTokenCalibration();
  }

  get promptHash(): string {
    return this.options.prompt.hash;
  }

  /**
   * Classifies within the prompt budget: a first request with the beginning and end of the text, and, when its answer
   * is unsure and more text could be sent, a second one with as much as num_ctx allows (its prompt starts with the
   * first one's, so Ollama's prefix cache spares most of the repeated part). Token counts are Ollama's for the request
   * that gave the answer; an escalated document's first request keeps its own in `firstPass`.
   */
  async classify(request: ClassifyRequest, signal?: AbortSignal): Promise<LlmClassification> {
    const started = performance.now();
    const budget = this.options.budget;
    const cap = budget && budget.firstPassTokens > 0 ? budget.firstPassTokens : undefined;
    const first = await this.pass(request, signal, cap);
    const unsure =
      first.reviewReason !== undefined ||
      first.confidence < (budget?.escalateBelow ?? Number.NEGATIVE_INFINITY);
    if (!first.capped || !unsure) {
      const { capped: _, ...result } = first;
      return { ...result, latencyMs: Math.round(performance.now() - started) };
    }
    const { capped: _, ...second } = await this.pass(request, signal, undefined);
    return {
      ...second,
      attempts: first.attempts + second.attempts,
      rawOutput: `${first.rawOutput}\n---\n${second.rawOutput}`,
      retries: first.retries + second.retries,
      warnings: [...first.warnings, ...second.warnings],
      latencyMs: Math.round(performance.now() - started),
      escalated: true,
      firstPass: {
        category: first.category,
        confidence: first.confidence,
        sentChars: first.sentChars,
        sentTokens: first.sentTokens,
        promptTokens: first.promptTokens,
        promptCachedTokens: first.promptCachedTokens,
        outputTokens: first.outputTokens,
      },
    };
  }

  /** One classification request (with its repair, refit and cut-answer rounds) with at most `maxTextTokens`. */
  private async pass(
    request: ClassifyRequest,
    signal: AbortSignal | undefined,
    maxTextTokens: number | undefined,
  ): Promise<LlmClassification & { capped: boolean }> {
    const { prompt } = this.options;
    const { model } = this;
    const started = performance.now();
    const call = await callFitted({
      model,
      calibration: this.calibration,
      prompt,
      values: (text, truncated, omitted) => this.promptValues(request, text, truncated, omitted),
      text: request.text,
      maxTextTokens,
      ...this.answerOptions(signal),
    });
    const warnings = [...call.warnings];
    const { value, salvaged } = await this.answerOf(call, warnings, signal);
    const { outcome, fitted } = call;
    const reviewReason = call.promptCut
      ? `${call.promptCut} twice; the model may not have seen the instructions`
      : (salvaged ?? evidenceProblem(value.evidence));
    return {
      ...value,
      summary: oneLine(value.summary, SUMMARY_MAX_CHARS),
      evidence: oneLine(value.evidence, EVIDENCE_MAX_CHARS),
      model: model.name,
      promptHash: prompt.hash,
      numCtx: model.numCtx,
      promptTokens: outcome.promptTokens,
      promptCachedTokens: outcome.promptCachedTokens,
      outputTokens: outcome.outputTokens,
      estimatedPromptTokens: fitted.estimatedTokens,
      latencyMs: Math.round(performance.now() - started),
      truncated: fitted.truncated,
      omittedChars: fitted.omittedChars,
      attempts: call.attempts,
      rawOutput: call.rawOutputs.join("\n---\n"),
      retries: outcome.retries,
      host: outcome.host,
      warnings,
      ...(reviewReason ? { reviewReason } : {}),
      sentChars: fitted.text.length,
      sentTokens: fitted.textTokens,
      escalated: false,
      capped: fitted.capped,
    };
  }

  /** What every request for a classification shares: its schema, how it is repaired and salvaged, where it goes. */
  private answerOptions(signal: AbortSignal | undefined) {
    return {
      schema: this.schema,
      format: this.format,
      repairInstruction: (problem: string) => repairInstruction(problem, this.options.categories),
      salvage: (raw: string) => salvageConfidence(raw, this.schema),
      retryDelayMs: this.options.retryDelayMs,
      onRetry: this.options.onRetry,
      hosts: this.options.hosts,
      signal,
    };
  }

  /**
   * The answer, also when Ollama cut it at num_predict: it is asked for once more, shorter and with twice the
   * output budget; if that is cut too, the fields that were complete are kept when they include the category and
   * the confidence. Otherwise the document fails with what happened.
   */
  private async answerOf(
    call: FittedCall<ModelClassification>,
    warnings: string[],
    signal: AbortSignal | undefined,
  ): Promise<{ value: ModelClassification; salvaged?: string | undefined }> {
    const { outcome, fitted } = call;
    if (outcome.kind === "answer") return { value: outcome.value, salvaged: outcome.salvaged };
    const { model } = this;
    const room = model.numCtx - fitted.estimatedTokens - Math.ceil(model.numCtx * model.safetyMargin);
    const larger = Math.max(model.numPredict, Math.min(model.numPredict * CUT_BUDGET_FACTOR, room));
    const cut = `the answer was cut at the output limit (num_predict ${model.numPredict})`;
    const again = await callStructured(
      structuredOptions(
        {
          model: { ...model, numPredict: larger },
          ...this.answerOptions(signal),
        },
        [...fitted.messages, new HumanMessage(SHORTER)],
      ),
    );
    call.rawOutputs.push(...again.rawOutputs);
    call.attempts += again.attempts;
    if (again.kind === "answer") {
      warnings.push(`${cut}; asked again with num_predict ${larger}`);
      return { value: again.value, salvaged: again.salvaged };
    }
    const salvaged = salvage([again.raw, outcome.raw], this.schema);
    if (!salvaged) {
      throw new InvalidModelOutputError(
        `${cut}, and again at num_predict ${larger}, before it gave a category and a confidence: raise model.numPredict`,
        call.rawOutputs,
      );
    }
    warnings.push(`${cut}, and again at num_predict ${larger}; kept the fields that were complete`);
    return { value: salvaged };
  }

  private promptValues(
    request: ClassifyRequest,
    text: string,
    truncated: boolean,
    omittedChars: number,
  ): PromptValues {
    const categories = this.options.categories;
    const examples = request.examples ?? [];
    return {
      categories,
      category_names: categories.map((c) => c.name).join(", "),
      has_examples: examples.length > 0,
      examples: examples.map((example) => ({ ...example, excerpt: neutraliseFence(example.excerpt) })),
      document_name: neutraliseName(request.name),
      document_text: neutraliseFence(text),
      truncated,
      omitted_chars: omittedChars,
    };
  }
}

const SHORTER =
  "Your previous answer was cut off at the output limit. Answer again with one short JSON object: a summary of at " +
  "most 10 words and an evidence quote of at most 6 words.";

/** The complete category and confidence of cut answers (the first that has both), with whatever else is complete. */
function salvage(raws: readonly string[], schema: ClassificationSchema): ModelClassification | undefined {
  const core = schema.pick({ category: true, confidence: true });
  for (const raw of raws) {
    const cut = parseCutOutput(raw);
    const parsed = core.safeParse(cut);
    if (!parsed.success) continue;
    const text = (key: string) => (typeof cut?.[key] === "string" ? cut[key] : "");
    return { ...parsed.data, summary: text("summary"), evidence: text("evidence") };
  }
  return undefined;
}

function repairInstruction(problem: string, categories: readonly Category[]): string {
  return [
    `Your answer could not be used: ${problem}.`,
    `Answer again with one JSON object only: "category" (one of ${categories.map((c) => c.name).join(", ")}),`,
    `"confidence" (a number from 0 to 1), "summary" (one line) and "evidence" (a short quote).`,
  ].join(" ");
}

/**
 * Everything a document brings (its text, its file name, an e-mail's subject and sender, the excerpts of other
 * documents shown as examples) goes inside a fence in the prompt. This keeps it from closing that fence, or
 * opening another one, to pose as instructions.
 */
export function neutraliseFence(text: string): string {
  return text.replace(/<\/?\s*(document|example)\b[^>]*>/gi, (tag) =>
    tag.replace("<", "‹").replace(">", "›"),
  );
}

/** A file name as data: one line (no line breaks or control characters to start a new "paragraph"), fenced. */
export function neutraliseName(name: string): string {
  return neutraliseFence(name.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ").trim()).slice(0, 300);
}

function oneLine(value: string, max: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

import type { Category, ModelConfig } from "../config/schema.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import {
  buildClassificationSchema,
  type ClassificationSchema,
  type ModelClassification,
} from "./classification-schema.js";
import type { ModelCallError } from "./model-errors.js";
import type { PromptTemplate, PromptValues } from "./prompt-template.js";
import { callStructured } from "./structured-call.js";
import { estimateTokens, fitText, textBudgetChars } from "./token-budget.js";

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
  outputTokens: number | null;
  estimatedPromptTokens: number;
  latencyMs: number;
  truncated: boolean;
  omittedChars: number;
  /** Model calls made: 1, or 2 when the first answer needed a repair. */
  attempts: number;
  rawOutput: string;
  /** Transport retries before a call went through. */
  retries: number;
  warnings: string[];
}

export interface LlmClassifierOptions {
  model: ModelConfig;
  categories: readonly Category[];
  prompt: PromptTemplate;
  /** First retry delay; doubles each time, with jitter. */
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
  breaker?: CircuitBreaker;
}

export class LlmClassifier {
  private readonly schema: ClassificationSchema;

  constructor(private readonly options: LlmClassifierOptions) {
    this.schema = buildClassificationSchema(options.categories);
  }

  get promptHash(): string {
    return this.options.prompt.hash;
  }

  async classify(request: ClassifyRequest, signal?: AbortSignal): Promise<LlmClassification> {
    const { model, prompt } = this.options;
    const values = this.promptValues(request, "", false, 0);
    const frame = await prompt.renderText(values);
    const fitted = fitText(request.text, textBudgetChars(model, frame.length));
    const filled = this.promptValues(request, fitted.text, fitted.truncated, fitted.omittedChars);
    const messages = await prompt.render(filled);
    const estimatedPromptTokens = estimateTokens(await prompt.renderText(filled), model.charsPerToken);

    const call = await callStructured({
      model,
      schema: this.schema,
      messages,
      repairInstruction: (problem) => repairInstruction(problem, this.options.categories),
      ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
      ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
      breaker: this.options.breaker,
      signal,
    });
    const value = call.value;

    const warnings: string[] = [];
    if (call.doneReason === "length") warnings.push("the answer was cut by num_predict");
    if (call.promptTokens !== null && call.promptTokens >= model.numCtx - 1) {
      warnings.push(
        `Ollama reports ${call.promptTokens} prompt tokens, the whole window: the prompt was probably cut`,
      );
    }
    return {
      ...value,
      summary: oneLine(value.summary, 300),
      evidence: oneLine(value.evidence, 300),
      model: model.name,
      promptHash: prompt.hash,
      numCtx: model.numCtx,
      promptTokens: call.promptTokens,
      outputTokens: call.outputTokens,
      estimatedPromptTokens,
      latencyMs: call.latencyMs,
      truncated: fitted.truncated,
      omittedChars: fitted.omittedChars,
      attempts: call.attempts,
      rawOutput: call.rawOutputs.join("\n---\n"),
      retries: call.retries,
      warnings,
    };
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

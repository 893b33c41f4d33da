import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import pRetry from "p-retry";
import type { Category, ModelConfig } from "../config/schema.js";
import {
  buildClassificationSchema,
  type ClassificationSchema,
  type ModelClassification,
} from "./classification-schema.js";
import { InvalidModelOutputError, ModelCallError, toModelCallError } from "./model-errors.js";
import { createChatModel } from "./ollama-chat.js";
import { parseModelOutput } from "./parse-model-output.js";
import type { PromptTemplate, PromptValues } from "./prompt-template.js";
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

interface CallResult {
  raw: string;
  promptTokens: number | null;
  outputTokens: number | null;
  doneReason: string | undefined;
}

export interface LlmClassifierOptions {
  model: ModelConfig;
  categories: readonly Category[];
  prompt: PromptTemplate;
  /** First retry delay; doubles each time, with jitter. */
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
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

    const started = performance.now();
    let retries = 0;
    const call = (msgs: BaseMessage[]) =>
      pRetry(() => this.callOnce(msgs, signal), {
        retries: model.maxRetries,
        minTimeout: this.options.retryDelayMs ?? 1000,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => error instanceof ModelCallError && error.kind === "transient",
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && error instanceof ModelCallError && error.kind === "transient") {
            retries += 1;
            this.options.onRetry?.(error, attemptNumber);
          }
        },
      });

    const first = await call(messages);
    let result = parseModelOutput(first.raw, this.schema);
    let final = first;
    let attempts = 1;
    const rawOutputs = [first.raw];
    if (!result.ok) {
      attempts = 2;
      final = await call([
        ...messages,
        new AIMessage(first.raw),
        new HumanMessage(repairInstruction(result.problem, this.options.categories)),
      ]);
      rawOutputs.push(final.raw);
      result = parseModelOutput(final.raw, this.schema);
      if (!result.ok) {
        throw new InvalidModelOutputError(
          `the model's answer did not match the schema twice: ${result.problem}`,
          rawOutputs,
        );
      }
    }

    const warnings: string[] = [];
    if (final.doneReason === "length") warnings.push("the answer was cut by num_predict");
    if (final.promptTokens !== null && final.promptTokens >= model.numCtx - 1) {
      warnings.push(
        `Ollama reports ${final.promptTokens} prompt tokens, the whole window: the prompt was probably cut`,
      );
    }
    return {
      ...result.value,
      summary: oneLine(result.value.summary, 300),
      evidence: oneLine(result.value.evidence, 300),
      model: model.name,
      promptHash: prompt.hash,
      numCtx: model.numCtx,
      promptTokens: final.promptTokens,
      outputTokens: final.outputTokens,
      estimatedPromptTokens,
      latencyMs: Math.round(performance.now() - started),
      truncated: fitted.truncated,
      omittedChars: fitted.omittedChars,
      attempts,
      rawOutput: rawOutputs.join("\n---\n"),
      retries,
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
      examples,
      document_name: request.name,
      document_text: neutraliseFence(text),
      truncated,
      omitted_chars: omittedChars,
    };
  }

  private async callOnce(messages: BaseMessage[], signal?: AbortSignal): Promise<CallResult> {
    const llm = createChatModel(this.options.model, signal);
    const structured = llm.withStructuredOutput(this.schema, { includeRaw: true, method: "jsonSchema" });
    try {
      const { raw } = await structured.invoke(messages);
      const content = typeof raw.content === "string" ? raw.content : JSON.stringify(raw.content);
      const usage = "usage_metadata" in raw ? (raw as AIMessage).usage_metadata : undefined;
      const metadata: Record<string, unknown> = raw.response_metadata ?? {};
      const doneReason = metadata.done_reason;
      return {
        raw: content,
        promptTokens: usage?.input_tokens ?? null,
        outputTokens: usage?.output_tokens ?? null,
        doneReason: typeof doneReason === "string" ? doneReason : undefined,
      };
    } catch (error) {
      throw toModelCallError(error, this.options.model, signal?.aborted ?? false);
    }
  }
}

function repairInstruction(problem: string, categories: readonly Category[]): string {
  return [
    `Your answer could not be used: ${problem}.`,
    `Answer again with one JSON object only: "category" (one of ${categories.map((c) => c.name).join(", ")}),`,
    `"confidence" (a number from 0 to 1), "summary" (one line) and "evidence" (a short quote).`,
  ].join(" ");
}

/** The document cannot close its own fence and pose as instructions. */
function neutraliseFence(text: string): string {
  return text.replace(/<\/?document>/gi, (tag) => tag.replace("<", "‹").replace(">", "›"));
}

function oneLine(value: string, max: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

import type { CircuitBreaker } from "../classify/circuit-breaker.js";
import { neutraliseFence, neutraliseName } from "../classify/llm-classifier.js";
import type { ModelCallError } from "../classify/model-errors.js";
import type { PromptTemplate, PromptValues } from "../classify/prompt-template.js";
import { callStructured } from "../classify/structured-call.js";
import { estimateTokens, fitText, textBudgetChars } from "../classify/token-budget.js";
import type { ModelConfig } from "../config/schema.js";
import type { InvoiceExtraction, InvoiceFieldExtractor } from "./invoice-field-extractor.js";
import { invoiceFieldsSchema } from "./invoice-fields-schema.js";

export interface LlmInvoiceExtractorOptions {
  model: ModelConfig;
  prompt: PromptTemplate;
  /** Output tokens for this answer: it is longer than a classification. num_ctx stays the same. */
  numPredict: number;
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
  breaker?: CircuitBreaker;
}

/** The invoice workflow's second model call: the same client, budget and repair as classification. */
export class LlmInvoiceExtractor implements InvoiceFieldExtractor {
  private readonly model: ModelConfig;

  constructor(private readonly options: LlmInvoiceExtractorOptions) {
    this.model = { ...options.model, numPredict: options.numPredict };
  }

  async extract(input: { text: string; name: string }, signal?: AbortSignal): Promise<InvoiceExtraction> {
    const { prompt } = this.options;
    const frame = await prompt.renderText(values(input.name, "", false, 0));
    const fitted = fitText(input.text, textBudgetChars(this.model, frame.length));
    const filled = values(input.name, fitted.text, fitted.truncated, fitted.omittedChars);
    const messages = await prompt.render(filled);
    const call = await callStructured({
      model: this.model,
      schema: invoiceFieldsSchema,
      messages,
      repairInstruction: (problem) =>
        `Your answer could not be used: ${problem}. Answer again with one JSON object only, with every field ` +
        `of the schema ("value" and "quote" for each, null values for fields the document does not show).`,
      ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
      ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
      breaker: this.options.breaker,
      signal,
    });
    return {
      fields: call.value,
      info: {
        model: this.model.name,
        promptHash: prompt.hash,
        numCtx: this.model.numCtx,
        promptTokens: call.promptTokens,
        outputTokens: call.outputTokens,
        estimatedPromptTokens: estimateTokens(await prompt.renderText(filled), this.model.charsPerToken),
        latencyMs: call.latencyMs,
        attempts: call.attempts,
        retries: call.retries,
        truncated: fitted.truncated,
        omittedChars: fitted.omittedChars,
        doneReason: call.doneReason ?? null,
        rawOutput: call.rawOutputs.join("\n---\n"),
      },
    };
  }
}

function values(name: string, text: string, truncated: boolean, omittedChars: number): PromptValues {
  return {
    document_name: neutraliseName(name),
    document_text: neutraliseFence(text),
    truncated,
    omitted_chars: omittedChars,
  };
}

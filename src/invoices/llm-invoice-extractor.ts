import { callFitted, structuredOptions } from "../classify/fitted-call.js";
import type { ModelHosts } from "../classify/hosts/model-hosts.js";
import { HumanMessage } from "../classify/langchain.js";
import { neutraliseFence, neutraliseName } from "../classify/llm-classifier.js";
import type { ModelCallError } from "../classify/model-errors.js";
import type { PromptTemplate, PromptValues } from "../classify/prompt-template.js";
import { callStructured } from "../classify/structured-call.js";
import { createTokenCalibration, type TokenCalibration } from "../classify/token-calibration.js";
import type { ModelConfig } from "../config/schema.js";
import type { InvoiceCheck } from "../store/invoice-columns.js";
import { salvageInvoice } from "./cut-invoice-answer.js";
import type { InvoiceExtraction, InvoiceFieldExtractor } from "./invoice-field-extractor.js";
import {
  INVOICE_FIELD_NAMES,
  type InvoiceFieldName,
  invoiceFieldsSchema,
  invoiceHeaderSchema,
  type ModelInvoice,
} from "./invoice-fields-schema.js";

export interface LlmInvoiceExtractorOptions {
  model: ModelConfig;
  prompt: PromptTemplate;
  /** Output tokens for this answer: it is longer than a classification. num_ctx stays the same. */
  numPredict: number;
  /** What Ollama's counts taught about this model's prompt sizes (default: learned in memory only). */
  calibration?: TokenCalibration;
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
  hosts?: ModelHosts;
}

const REPAIR = (problem: string) =>
  `Your answer could not be used: ${problem}. Answer again with one JSON object only, with every field ` +
  `of the schema ("value" and "quote" for each, null values for fields the document does not show).`;

const WITHOUT_LINES =
  "Your previous answer was cut off at the output limit by the invoice lines. Answer again with every field " +
  "except the invoice lines (they are not needed now).";

/** The invoice workflow's second model call: the same client, budget, calibration and repair as classification. */
export class LlmInvoiceExtractor implements InvoiceFieldExtractor {
  private readonly model: ModelConfig;
  private readonly calibration: TokenCalibration;

  constructor(private readonly options: LlmInvoiceExtractorOptions) {
    this.model = { ...options.model, numPredict: options.numPredict };
    this.calibration = options.calibration ?? createTokenCalibration();
  }

  async extract(input: { text: string; name: string }, signal?: AbortSignal): Promise<InvoiceExtraction> {
    const { prompt } = this.options;
    const started = performance.now();
    const common = {
      model: this.model,
      repairInstruction: REPAIR,
      retryDelayMs: this.options.retryDelayMs,
      onRetry: this.options.onRetry,
      hosts: this.options.hosts,
      signal,
    };
    const call = await callFitted({
      ...common,
      calibration: this.calibration,
      prompt,
      values: (text, truncated, omitted) => values(input.name, text, truncated, omitted),
      text: input.text,
      schema: invoiceFieldsSchema,
    });
    const { outcome, fitted } = call;
    const checks: InvoiceCheck[] = [];
    if (call.promptCut) {
      checks.push({
        name: "extraction",
        status: "failed",
        message: `${call.promptCut} twice: the model may not have seen the instructions or the invoice's start`,
      });
    }
    let fields: ModelInvoice;
    let unread: Partial<Record<InvoiceFieldName, string>> = {};
    let lineItems: Record<string, unknown> = { complete: true };
    if (outcome.kind === "answer") {
      fields = outcome.value;
    } else {
      // Cut at num_predict, most often by many invoice lines: keep what is complete, read the header again alone.
      const first = salvageInvoice(outcome.raw);
      const again = await callStructured(
        structuredOptions({ ...common, schema: invoiceHeaderSchema }, [
          ...fitted.messages,
          new HumanMessage(WITHOUT_LINES),
        ]),
      );
      call.rawOutputs.push(...again.rawOutputs);
      call.attempts += again.attempts;
      const header = again.kind === "answer" ? again.value : salvageInvoice(again.raw).fields;
      const merged = mergeHeader(header, first.fields);
      fields = { ...merged.fields, line_items: first.lineItems };
      unread = merged.unread;
      const limit = `the model's answer was cut at the output limit (num_predict ${this.model.numPredict})`;
      lineItems = { complete: false, read: first.lineItems.length };
      checks.push({
        name: "line_items",
        status: "skipped",
        message: `${limit} after ${first.lineItems.length} complete invoice lines: the lines are partial; the other fields were read again without them`,
      });
      const missing = Object.keys(unread);
      if (missing.length > 0) {
        checks.push({
          name: "extraction",
          status: "failed",
          message: `${limit}, and again without the lines; not read: ${missing.join(", ")}`,
        });
      }
    }
    return {
      fields,
      unread,
      checks,
      info: {
        model: this.model.name,
        promptHash: prompt.hash,
        numCtx: this.model.numCtx,
        numPredict: this.model.numPredict,
        promptTokens: outcome.promptTokens,
        outputTokens: outcome.outputTokens,
        estimatedPromptTokens: fitted.estimatedTokens,
        latencyMs: Math.round(performance.now() - started),
        attempts: call.attempts,
        retries: outcome.retries,
        truncated: fitted.truncated,
        omittedChars: fitted.omittedChars,
        doneReason: outcome.doneReason ?? null,
        lineItems,
        ...(call.warnings.length > 0 ? { warnings: call.warnings } : {}),
        rawOutput: call.rawOutputs.join("\n---\n"),
      },
    };
  }
}

/** Each header field from the first answer that has it complete and not null; the ones no answer has are `unread`. */
function mergeHeader(...answers: Partial<Omit<ModelInvoice, "line_items">>[]): {
  fields: Omit<ModelInvoice, "line_items">;
  unread: Partial<Record<InvoiceFieldName, string>>;
} {
  const unread: Partial<Record<InvoiceFieldName, string>> = {};
  // a value one answer has beats a null in another; a null still beats a field that was cut
  const pick = <K extends keyof Omit<ModelInvoice, "line_items">>(key: K) => {
    const complete = answers.map((answer) => answer[key]).filter((value) => value !== undefined);
    return complete.find((value) => typeof value !== "object" || value.value !== null) ?? complete[0];
  };
  const fields = Object.fromEntries(
    INVOICE_FIELD_NAMES.map((name) => {
      const value = pick(name);
      if (value === undefined) unread[name] = "not read: the model's answer was cut at the output limit";
      return [name, value ?? { value: null, quote: "" }];
    }),
  ) as Record<InvoiceFieldName, ModelInvoice["vendor"]>;
  return { fields: { document_type: pick("document_type") ?? "invoice", ...fields }, unread };
}

function values(name: string, text: string, truncated: boolean, omittedChars: number): PromptValues {
  return {
    document_name: neutraliseName(name),
    document_text: neutraliseFence(text),
    truncated,
    omitted_chars: omittedChars,
  };
}

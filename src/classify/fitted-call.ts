import type { z } from "zod";
import type { ModelConfig } from "../config/schema.js";
import type { ModelHosts } from "./hosts/model-hosts.js";
import type { BaseMessage } from "./langchain.js";
import type { ModelCallError } from "./model-errors.js";
import { type FittedPrompt, fitPrompt, judgePromptCount, learnFromCount } from "./prompt-fit.js";
import type { PromptTemplate, PromptValues } from "./prompt-template.js";
import {
  callStructured,
  type Salvaged,
  type StructuredCallOptions,
  type StructuredOutcome,
} from "./structured-call.js";
import type { TokenCalibration } from "./token-calibration.js";

export interface FittedCallOptions<T> {
  model: ModelConfig;
  calibration: TokenCalibration;
  prompt: PromptTemplate;
  values: (text: string, truncated: boolean, omittedChars: number) => PromptValues;
  text: string;
  /** At most this many estimated tokens of `text` (see fitPrompt); default: as many as the window has room for. */
  maxTextTokens?: number | undefined;
  schema: z.ZodObject & z.ZodType<T>;
  /** See StructuredCallOptions.format. */
  format?: z.ZodObject | undefined;
  repairInstruction: (problem: string) => string;
  /** See StructuredCallOptions.salvage. */
  salvage?: ((raw: string) => Salvaged<T> | undefined) | undefined;
  retryDelayMs?: number | undefined;
  onRetry?: ((error: ModelCallError, attempt: number) => void) | undefined;
  /** Where requests go (see StructuredCallOptions.hosts). */
  hosts?: ModelHosts | undefined;
  signal?: AbortSignal | undefined;
}

export interface FittedCall<T> {
  outcome: StructuredOutcome<T>;
  /** The prompt of the outcome's call. */
  fitted: FittedPrompt;
  /** Every raw answer, of every round. */
  rawOutputs: string[];
  /** Model calls made, every round. */
  attempts: number;
  /** For the document: the server disagreed with the estimate, or cut the prompt. */
  warnings: string[];
  /** Set when the server cut the prompt even after docsort refitted it: the answer may miss the instructions. */
  promptCut: string | undefined;
}

/**
 * One structured call whose prompt is fitted to num_ctx by the calibrated token estimate, then checked against
 * Ollama's own count: a disagreement corrects the model's calibration, and a prompt the server cut is refitted with
 * the corrected estimate and sent once more. A second cut is reported in `promptCut`, never ignored.
 */
export async function callFitted<T>(options: FittedCallOptions<T>): Promise<FittedCall<T>> {
  const { model, calibration } = options;
  const warnings: string[] = [];
  const rawOutputs: string[] = [];
  let attempts = 0;
  let promptCut: string | undefined;
  for (let round = 1; ; round++) {
    const factor = calibration.factor(model.name);
    const fitted = await fitPrompt(
      options.prompt,
      options.values,
      options.text,
      model,
      factor,
      options.maxTextTokens,
    );
    const outcome = await callStructured(structuredOptions(options, fitted.messages));
    rawOutputs.push(...outcome.rawOutputs);
    attempts += outcome.attempts;
    const verdict = judgePromptCount(outcome.promptTokens, fitted, model.numCtx);
    const warning = learnFromCount(calibration, model, fitted, verdict, outcome.promptTokens);
    if (warning) warnings.push(warning);
    promptCut = verdict.kind === "cut" ? verdict.message : undefined;
    if (promptCut === undefined || round === 2)
      return { outcome, fitted, rawOutputs, attempts, warnings, promptCut };
  }
}

/** The options of a further call with the same prompt (and maybe more messages, a new schema or budget). */
export function structuredOptions<T>(
  options: Omit<FittedCallOptions<T>, "calibration" | "prompt" | "values" | "text" | "maxTextTokens">,
  messages: BaseMessage[],
): StructuredCallOptions<T> {
  return {
    model: options.model,
    schema: options.schema,
    ...(options.format ? { format: options.format } : {}),
    messages,
    repairInstruction: options.repairInstruction,
    ...(options.salvage ? { salvage: options.salvage } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    hosts: options.hosts,
    signal: options.signal,
  };
}

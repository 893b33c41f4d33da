import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import pRetry from "p-retry";
import type { z } from "zod";
import type { ModelConfig } from "../config/schema.js";
import { InvalidModelOutputError, ModelCallError, toModelCallError } from "./model-errors.js";
import { createChatModel } from "./ollama-chat.js";
import { parseModelOutput } from "./parse-model-output.js";

export interface StructuredCallOptions<T> {
  model: ModelConfig;
  /** Sent as the JSON Schema `format`, and used to check the answer. */
  schema: z.ZodObject & z.ZodType<T>;
  messages: BaseMessage[];
  /** What to tell the model when its first answer did not match the schema. */
  repairInstruction: (problem: string) => string;
  /**
   * Last resort after the repair round also failed: a usable value from the final answer and why a person must
   * review it, or undefined to fail as before.
   */
  salvage?: (raw: string) => Salvaged<T> | undefined;
  /** First transport-retry delay; doubles each time, with jitter. */
  retryDelayMs?: number;
  onRetry?: (error: ModelCallError, attempt: number) => void;
  signal?: AbortSignal | undefined;
}

export interface Salvaged<T> {
  value: T;
  /** Why the value needs a person, e.g. "the model's confidence 23 is outside 0–1". */
  problem: string;
}

export interface StructuredCallResult<T> {
  value: T;
  /** Set when the value was salvaged from an answer that did not match the schema (see `salvage`). */
  salvaged?: string;
  /** Model calls made: 1, or 2 when the first answer needed a repair. */
  attempts: number;
  rawOutputs: string[];
  promptTokens: number | null;
  outputTokens: number | null;
  doneReason: string | undefined;
  /** Transport retries before a call went through. */
  retries: number;
  latencyMs: number;
}

interface CallResult {
  raw: string;
  promptTokens: number | null;
  outputTokens: number | null;
  doneReason: string | undefined;
}

/**
 * One structured model call: transport errors and timeouts are retried with backoff; an answer that does not
 * match the schema gets exactly one repair round (the answer and the problem are shown to the model).
 */
export async function callStructured<T>(options: StructuredCallOptions<T>): Promise<StructuredCallResult<T>> {
  const { model, schema, messages, signal } = options;
  const started = performance.now();
  let retries = 0;
  const call = (msgs: BaseMessage[]) =>
    pRetry(() => callOnce(model, schema, msgs, signal), {
      retries: model.maxRetries,
      minTimeout: options.retryDelayMs ?? 1000,
      factor: 2,
      randomize: true,
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error }) => error instanceof ModelCallError && error.kind === "transient",
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && error instanceof ModelCallError && error.kind === "transient") {
          retries += 1;
          options.onRetry?.(error, attemptNumber);
        }
      },
    });

  const first = await call(messages);
  const result = parseModelOutput(first.raw, schema);
  let final = first;
  let attempts = 1;
  const rawOutputs = [first.raw];
  let value: T;
  let salvaged: Salvaged<T> | undefined;
  if (result.ok) {
    value = result.value;
  } else {
    attempts = 2;
    final = await call([
      ...messages,
      new AIMessage(first.raw),
      new HumanMessage(options.repairInstruction(result.problem)),
    ]);
    rawOutputs.push(final.raw);
    const repaired = parseModelOutput(final.raw, schema);
    salvaged = repaired.ok ? undefined : options.salvage?.(final.raw);
    if (repaired.ok) value = repaired.value;
    else if (salvaged) value = salvaged.value;
    else {
      throw new InvalidModelOutputError(
        `the model's answer did not match the schema twice: ${repaired.problem}`,
        rawOutputs,
      );
    }
  }
  return {
    value,
    ...(salvaged ? { salvaged: salvaged.problem } : {}),
    attempts,
    rawOutputs,
    promptTokens: final.promptTokens,
    outputTokens: final.outputTokens,
    doneReason: final.doneReason,
    retries,
    latencyMs: Math.round(performance.now() - started),
  };
}

async function callOnce(
  model: ModelConfig,
  schema: z.ZodObject,
  messages: BaseMessage[],
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  const llm = createChatModel(model, signal);
  const structured = llm.withStructuredOutput(schema, { includeRaw: true, method: "jsonSchema" });
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
    throw toModelCallError(error, model, signal?.aborted ?? false);
  }
}

import pRetry from "p-retry";
import type { z } from "zod";
import { withDeadline } from "../abort-deadline.js";
import type { ModelConfig } from "../config/schema.js";
import { chatThread } from "./chat-thread/chat-thread.js";
import type { ModelHosts } from "./hosts/model-hosts.js";
import { AIMessage, type BaseMessage, HumanMessage, toJsonSchema } from "./langchain.js";
import { InvalidModelOutputError, ModelCallError, toModelCallError } from "./model-errors.js";
import { parseModelOutput } from "./parse-model-output.js";

export interface StructuredCallOptions<T> {
  model: ModelConfig;
  /** Sent as the JSON Schema `format` (unless `format` is given), and used to check the answer. */
  schema: z.ZodObject & z.ZodType<T>;
  /** Sent as `format` instead of `schema` when the server may be held to more than the answer is checked for. */
  format?: z.ZodObject | undefined;
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
  /** The model hosts: every request goes to one of them (default: `model.host` alone, without a breaker). */
  hosts?: ModelHosts | undefined;
}

export interface Salvaged<T> {
  value: T;
  /** Why the value needs a person, e.g. "the model's confidence 23 is outside 0–1". */
  problem: string;
}

/** How one structured call went: the model calls it took and Ollama's counters of the last one. */
export interface CallStats {
  /** Model calls made: 1, or 2 when the first answer needed a repair. */
  attempts: number;
  rawOutputs: string[];
  promptTokens: number | null;
  /**
   * Prompt tokens the server took from its prefix cache instead of evaluating them, when it says so
   * (`prompt_eval_cached_count`, ollama/ollama#17943); null when it does not.
   */
  promptCachedTokens: number | null;
  outputTokens: number | null;
  doneReason: string | undefined;
  /** Transport retries before a call went through. */
  retries: number;
  latencyMs: number;
  /** The host that gave the last answer (its base URL). */
  host: string;
}

/**
 * An answer that matches the schema, or one that Ollama cut at `num_predict` (`done_reason: "length"`) before it
 * did: that is no malformed answer to repair but one to ask for differently (a larger budget, fewer fields), and
 * its complete fields may still be used (see parseCutOutput).
 */
export type StructuredOutcome<T> = CallStats &
  (
    | {
        kind: "answer";
        value: T;
        /** Set when the value was salvaged from an answer that did not match the schema (see `salvage`). */
        salvaged?: string;
      }
    | { kind: "cut"; raw: string }
  );

interface CallResult {
  host: string;
  raw: string;
  promptTokens: number | null;
  promptCachedTokens: number | null;
  outputTokens: number | null;
  doneReason: string | undefined;
}

/**
 * One structured model call: transport errors and timeouts are retried with backoff; an answer that does not
 * match the schema gets exactly one repair round (the answer and the problem are shown to the model); an answer cut
 * at the output limit is returned as `cut`. After a second bad answer, `salvage` may still make a value of it that
 * a person must review; otherwise throws InvalidModelOutputError.
 */
export async function callStructured<T>(options: StructuredCallOptions<T>): Promise<StructuredOutcome<T>> {
  const { model, schema, messages, signal } = options;
  const format = options.format ?? schema;
  const started = performance.now();
  let retries = 0;
  const call = (msgs: BaseMessage[]) =>
    pRetry(() => dispatch(options.hosts, model, (to) => callOnce(to, format, msgs, signal), signal), {
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

  const rawOutputs: string[] = [];
  const stats = (last: CallResult): CallStats => ({
    attempts: rawOutputs.length,
    rawOutputs,
    promptTokens: last.promptTokens,
    promptCachedTokens: last.promptCachedTokens,
    outputTokens: last.outputTokens,
    doneReason: last.doneReason,
    retries,
    latencyMs: Math.round(performance.now() - started),
    host: last.host,
  });

  const first = await call(messages);
  rawOutputs.push(first.raw);
  const parsed = parseModelOutput(first.raw, schema);
  if (parsed.ok) return { ...stats(first), kind: "answer", value: parsed.value };
  if (first.doneReason === "length") return { ...stats(first), kind: "cut", raw: first.raw };

  const second = await call([
    ...messages,
    new AIMessage(first.raw),
    new HumanMessage(options.repairInstruction(parsed.problem)),
  ]);
  rawOutputs.push(second.raw);
  const repaired = parseModelOutput(second.raw, schema);
  if (repaired.ok) return { ...stats(second), kind: "answer", value: repaired.value };
  if (second.doneReason === "length") return { ...stats(second), kind: "cut", raw: second.raw };
  const salvaged = options.salvage?.(second.raw);
  if (salvaged)
    return { ...stats(second), kind: "answer", value: salvaged.value, salvaged: salvaged.problem };
  throw new InvalidModelOutputError(
    `the model's answer did not match the schema twice: ${repaired.problem}`,
    rawOutputs,
  );
}

/** One request to the least-loaded healthy host (see ModelHosts), or to `model.host` when there are no hosts. */
async function dispatch(
  hosts: ModelHosts | undefined,
  model: ModelConfig,
  request: (model: ModelConfig) => Promise<Omit<CallResult, "host">>,
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  if (!hosts) return { ...(await request(model)), host: model.host };
  const { value, host } = await hosts.call(model, request, signal);
  return { ...value, host };
}

const jsonSchemas = new WeakMap<z.ZodObject, string>();

/**
 * The JSON Schema sent as Ollama's `format` (https://docs.ollama.com/capabilities/structured-outputs), as JSON
 * text for the chat thread, made by LangChain's `toJsonSchema` as `withStructuredOutput(schema, { method:
 * "jsonSchema" })` makes it, but once per schema instead of once per request. The answer is checked against the zod schema itself (parseModelOutput), so
 * LangChain's own output parser, which `withStructuredOutput` would run on every answer, is not needed.
 */
function jsonSchemaOf(schema: z.ZodObject): string {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = JSON.stringify(toJsonSchema(schema));
    jsonSchemas.set(schema, json);
  }
  return json;
}

async function callOnce(
  model: ModelConfig,
  schema: z.ZodObject,
  messages: BaseMessage[],
  signal: AbortSignal | undefined,
): Promise<Omit<CallResult, "host">> {
  try {
    const answer = await withDeadline(model.timeoutMs, signal, (deadline) =>
      chatThread.invoke(model, messages, jsonSchemaOf(schema), deadline),
    );
    const { doneReason, promptCachedTokens: cached } = answer;
    return {
      raw: answer.content,
      promptTokens: answer.inputTokens,
      promptCachedTokens: typeof cached === "number" && Number.isFinite(cached) ? cached : null,
      outputTokens: answer.outputTokens,
      doneReason: typeof doneReason === "string" ? doneReason : undefined,
    };
  } catch (error) {
    throw toModelCallError(error, model, signal?.aborted ?? false);
  }
}

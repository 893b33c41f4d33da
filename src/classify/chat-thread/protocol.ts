import { z } from "zod";

/**
 * The messages between docsort's main thread and its chat thread (chat-thread.ts, chat-thread-worker.ts), checked
 * with zod on arrival on both sides: one request per model call, an abort when its deadline passes or docsort
 * stops, one reply per request.
 */

/** The ChatOllama settings of one request (the model section of the configuration, what a request needs). */
export const chatSettingsSchema = z.object({
  host: z.string(),
  name: z.string(),
  numCtx: z.number(),
  numPredict: z.number(),
  temperature: z.number(),
  keepAlive: z.union([z.string(), z.number()]),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;

/** A chat message as LangChain's message-like tuples name the roles ("system", "human", "ai"). */
export const wireRoleSchema = z.enum(["system", "human", "ai"]);
export const wireMessageSchema = z.tuple([wireRoleSchema, z.string()]);
export type WireMessage = z.infer<typeof wireMessageSchema>;

export const chatRequestSchema = z.object({
  type: z.literal("call"),
  id: z.number(),
  settings: chatSettingsSchema,
  messages: z.array(wireMessageSchema),
  /** Ollama's `format`, the JSON Schema the answer must follow, as JSON text (cheaper to pass than an object). */
  format: z.string(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const chatAbortSchema = z.object({
  type: z.literal("abort"),
  id: z.number(),
  /** The abort reason's name and message (a DOMException such as TimeoutError does not cross threads as one). */
  name: z.string(),
  message: z.string(),
});
export type ChatAbort = z.infer<typeof chatAbortSchema>;

export const toThreadSchema = z.discriminatedUnion("type", [chatRequestSchema, chatAbortSchema]);

/** What the model answered: the text, and Ollama's counters as ChatOllama reports them. */
export const chatAnswerSchema = z.object({
  content: z.string(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  /** `done_reason` and `prompt_eval_cached_count` of Ollama's last stream chunk, when present. */
  doneReason: z.unknown(),
  promptCachedTokens: z.unknown(),
});
export type ChatAnswer = z.infer<typeof chatAnswerSchema>;

/**
 * An error as far as toModelCallError reads one: name, message, Ollama's `status_code`, a system error's `code`,
 * and the same of its causes.
 */
export interface WireError {
  name: string;
  message: string;
  status_code?: number | undefined;
  code?: string | undefined;
  cause?: WireError | undefined;
}
export const wireErrorSchema: z.ZodType<WireError> = z.lazy(() =>
  z.object({
    name: z.string(),
    message: z.string(),
    status_code: z.number().optional(),
    code: z.string().optional(),
    cause: wireErrorSchema.optional(),
  }),
);

export const chatReplySchema = z.discriminatedUnion("ok", [
  z.object({ id: z.number(), ok: z.literal(true), answer: chatAnswerSchema }),
  z.object({ id: z.number(), ok: z.literal(false), error: wireErrorSchema }),
]);
export type ChatReply = z.infer<typeof chatReplySchema>;

const CAUSE_DEPTH = 4;

/** An error thrown in the chat thread as a WireError (causes to CAUSE_DEPTH levels). */
export function toWireError(error: unknown, depth = 0): WireError {
  if (typeof error !== "object" || error === null) return { name: "Error", message: String(error) };
  const { name, message, status_code: status, code, cause } = error as Record<string, unknown>;
  return {
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(error),
    ...(typeof status === "number" ? { status_code: status } : {}),
    ...(typeof code === "string" ? { code } : {}),
    ...(cause !== undefined && depth < CAUSE_DEPTH ? { cause: toWireError(cause, depth + 1) } : {}),
  };
}

/** A WireError as an Error again, with the same name, message, status_code, code and causes. */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message, wire.cause ? { cause: fromWireError(wire.cause) } : undefined);
  error.name = wire.name;
  return Object.assign(
    error,
    wire.status_code !== undefined ? { status_code: wire.status_code } : {},
    wire.code !== undefined ? { code: wire.code } : {},
  );
}

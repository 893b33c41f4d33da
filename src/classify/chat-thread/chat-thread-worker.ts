/**
 * The chat thread (see chat-thread.ts): makes the model requests docsort's main thread sends it, with ChatOllama,
 * and replies with each answer or error. One AbortController per request: an abort closes its HTTP connection, so
 * Ollama frees the slot.
 */
import { parentPort } from "node:worker_threads";
import { createChatModel } from "../ollama-chat.js";
import {
  type ChatAnswer,
  type ChatReply,
  type ChatRequest,
  toThreadSchema,
  toWireError,
} from "./protocol.js";

if (!parentPort) throw new Error("chat-thread-worker runs as a worker thread only");
const port = parentPort;
const running = new Map<number, AbortController>();
/** The parsed `format` of each JSON text seen: a handful of schemas, sent again with every request. */
const formats = new Map<string, Record<string, unknown>>();

port.on("message", (message: unknown) => {
  const parsed = toThreadSchema.safeParse(message);
  if (!parsed.success) return;
  const request = parsed.data;
  if (request.type === "abort") {
    running.get(request.id)?.abort(new DOMException(request.message, request.name));
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  void answer(request, controller.signal)
    .then((value): ChatReply => ({ id: request.id, ok: true, answer: value }))
    .catch((error: unknown): ChatReply => ({ id: request.id, ok: false, error: toWireError(error) }))
    .then((reply) => {
      running.delete(request.id);
      port.postMessage(reply);
    });
});

async function answer(request: ChatRequest, signal: AbortSignal): Promise<ChatAnswer> {
  const model = createChatModel(request.settings, signal);
  let format = formats.get(request.format);
  if (!format) {
    format = JSON.parse(request.format) as Record<string, unknown>;
    formats.set(request.format, format);
  }
  const raw = await model.invoke(request.messages, { format });
  const metadata: Record<string, unknown> = raw.response_metadata ?? {};
  return {
    content: typeof raw.content === "string" ? raw.content : JSON.stringify(raw.content),
    inputTokens: raw.usage_metadata?.input_tokens ?? null,
    outputTokens: raw.usage_metadata?.output_tokens ?? null,
    doneReason: metadata.done_reason,
    promptCachedTokens: metadata.prompt_eval_cached_count,
  };
}

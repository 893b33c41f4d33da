import { createChatModel } from "../ollama-chat.js";
import type { ChatAnswer, ChatSettings, WireMessage } from "./protocol.js";

/** The parsed `format` of each JSON text seen: a handful of schemas, sent again with every request. */
const formats = new Map<string, Record<string, unknown>>();

/**
 * One ChatOllama request, as the chat thread makes it and as docsort makes it in its main thread until the thread
 * is ready: `messages` to the model in `settings`, the answer held to the JSON Schema `format` (JSON text).
 * `signal` closes the request's connection (Ollama then frees the slot). Rejects with LangChain's error.
 */
export async function requestChat(
  settings: ChatSettings,
  messages: WireMessage[],
  format: string,
  signal: AbortSignal,
): Promise<ChatAnswer> {
  let schema = formats.get(format);
  if (!schema) {
    schema = JSON.parse(format) as Record<string, unknown>;
    formats.set(format, schema);
  }
  const raw = await createChatModel(settings, signal).invoke(messages, { format: schema });
  const metadata: Record<string, unknown> = raw.response_metadata ?? {};
  return {
    content: typeof raw.content === "string" ? raw.content : JSON.stringify(raw.content),
    inputTokens: raw.usage_metadata?.input_tokens ?? null,
    outputTokens: raw.usage_metadata?.output_tokens ?? null,
    doneReason: metadata.done_reason,
    promptCachedTokens: metadata.prompt_eval_cached_count,
  };
}

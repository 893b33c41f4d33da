import type { ChatSettings } from "./chat-thread/protocol.js";
import { ChatOllama } from "./langchain.js";

/**
 * ChatOllama has no timeout of its own, and an abort signal given to `invoke` only stops the waiting: the server
 * keeps the request and its slot. A fetch that carries `signal` (the caller's deadline and cancellation, see
 * withDeadline) really closes the connection, and Ollama then frees the slot.
 */
export function createChatModel(model: ChatSettings, signal: AbortSignal): ChatOllama {
  const cancellingFetch: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([signal, init.signal]) : signal });
  return new ChatOllama({
    baseUrl: model.host,
    model: model.name,
    numCtx: model.numCtx,
    numPredict: model.numPredict,
    temperature: model.temperature,
    keepAlive: model.keepAlive,
    fetch: cancellingFetch,
  });
}

/**
 * The chat thread (see chat-thread.ts): makes the model requests docsort's main thread sends it and replies with
 * each answer or error. One AbortController per request: an abort closes its HTTP connection, so Ollama frees the
 * slot. Says "ready" once it takes requests.
 */
import { parentPort } from "node:worker_threads";
import { requestChat } from "./chat-request.js";
import { type ChatReply, toThreadSchema, toWireError } from "./protocol.js";

if (!parentPort) throw new Error("chat-thread-worker runs as a worker thread only");
const port = parentPort;
const running = new Map<number, AbortController>();

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
  void requestChat(request.settings, request.messages, request.format, controller.signal)
    .then((answer): ChatReply => ({ id: request.id, ok: true, answer }))
    .catch((error: unknown): ChatReply => ({ id: request.id, ok: false, error: toWireError(error) }))
    .then((reply) => {
      running.delete(request.id);
      port.postMessage(reply);
    });
});
port.postMessage("ready");

import { Worker } from "node:worker_threads";
import { threadEntry } from "../../package-files.js";
import type { BaseMessage } from "../langchain.js";
import {
  type ChatAnswer,
  type ChatRequest,
  type ChatSettings,
  chatReplySchema,
  fromWireError,
  type WireMessage,
  wireRoleSchema,
} from "./protocol.js";

interface Pending {
  resolve: (answer: ChatAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * docsort's model requests run on a worker thread of their own: LangChain and `fetch` (the request, the NDJSON
 * stream, a message chunk per generated token) took about a sixth of the main thread's time with a fast server,
 * and the main thread is what limits how many documents a second docsort handles (bench/PROFILE.md §9). The thread
 * starts on first use (or `warm`), is held open only while requests run, and is started again when it ends.
 */
export class ChatThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Starts the thread now, so that loading LangChain there overlaps the caller's own start. */
  warm(): void {
    this.thread();
  }

  /**
   * One chat request: `messages` to the model in `settings`, the answer held to the JSON Schema `format` (JSON
   * text).
   * Rejects with `signal`'s reason as soon as it aborts (the thread then closes the request's connection), and
   * with the request's error as LangChain threw it (name, message, `status_code`, `code` and causes kept, see
   * toModelCallError), or an Error when the thread itself ended.
   */
  invoke(
    settings: ChatSettings,
    messages: readonly BaseMessage[],
    format: string,
    signal: AbortSignal,
  ): Promise<ChatAnswer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const worker = this.thread();
    const id = this.nextId++;
    const request: ChatRequest = { type: "call", id, settings, messages: messages.map(toWire), format };
    return new Promise<ChatAnswer>((resolve, reject) => {
      const onAbort = () => {
        const reason: unknown = signal.reason;
        const { name, message } =
          reason instanceof Error ? reason : { name: "AbortError", message: String(reason) };
        worker.postMessage({ type: "abort", id, name, message });
        this.settle(id)?.reject(reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => signal.removeEventListener("abort", onAbort);
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, {
        resolve: (answer) => {
          done();
          resolve(answer);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      worker.postMessage(request);
    });
  }

  /** Ends the thread; requests still running reject. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const entry = threadEntry("classify/chat-thread/chat-thread-worker");
    const worker = new Worker(entry.source, { eval: entry.eval });
    worker.on("message", (message: unknown) => {
      const reply = chatReplySchema.safeParse(message);
      if (!reply.success) return;
      const waiting = this.settle(reply.data.id);
      if (reply.data.ok) waiting?.resolve(reply.data.answer);
      else waiting?.reject(fromWireError(reply.data.error));
    });
    const ended = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const id of [...this.pending.keys()])
        this.settle(id)?.reject(new Error(`the model request thread ended (${why})`));
    };
    worker.on("error", (error) => ended(error.message));
    worker.on("exit", (code) => ended(`exit code ${code}`));
    // after the listeners: adding a "message" listener refs a worker again
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    if (!waiting) return undefined;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return waiting;
  }
}

function toWire(message: BaseMessage): WireMessage {
  const role = wireRoleSchema.safeParse(message.getType());
  if (!role.success) throw new Error(`docsort sends no ${message.getType()} messages to a model`);
  return [role.data, typeof message.content === "string" ? message.content : message.text];
}

/** The process's chat thread. */
export const chatThread = new ChatThread();

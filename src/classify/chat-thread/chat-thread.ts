import { Worker } from "node:worker_threads";
import { threadEntry } from "../../package-files.js";
import type { BaseMessage } from "../langchain.js";
import { requestChat } from "./chat-request.js";
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
 * Where docsort's model requests run. In the daemon (`use`), on a worker thread of their own: LangChain and `fetch`
 * (the request, the NDJSON stream, a message chunk per generated token) took about a sixth of the main thread's
 * time with a fast server, and the main thread is what limits how many documents a second docsort handles
 * (bench/PROFILE.md §9). The thread starts after the first answer, when the daemon's own start-up is over (loading
 * LangChain a second time beside it delayed the first request by ~0.2 s), and takes the requests once it says it
 * is ready; until then, and in every other command, they run here. Held open only while requests run; started
 * again after the next answer here when it ended, unless it ended before it was ready.
 */
export class ChatThread {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private takes = false;
  private wanted = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Moves the requests to the thread from the first answer on. */
  use(): void {
    this.wanted = true;
  }

  /** True while the thread takes the requests. */
  get takesRequests(): boolean {
    return this.takes;
  }

  /** Starts the thread now; resolves once it takes the requests, rejects if it ended before. */
  start(): Promise<void> {
    this.thread();
    return this.ready ?? Promise.reject(new Error("the model request thread ended"));
  }

  /**
   * One chat request: `messages` to the model in `settings`, the answer held to the JSON Schema `format` (JSON
   * text). Rejects with `signal`'s reason as soon as it aborts (the request's connection is closed), and with the
   * request's error as LangChain threw it (name, message, `status_code`, `code` and causes kept across the
   * thread, see toModelCallError), or an Error when the thread ended during the request.
   */
  invoke(
    settings: ChatSettings,
    messages: readonly BaseMessage[],
    format: string,
    signal: AbortSignal,
  ): Promise<ChatAnswer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const wire = messages.map(toWire);
    if (this.takes && this.worker) return this.onThread(this.worker, settings, wire, format, signal);
    const answer = requestChat(settings, wire, format, signal);
    if (this.wanted && !this.worker)
      answer.then(
        () => this.start().catch(() => undefined),
        () => undefined,
      );
    return answer;
  }

  /** Ends the thread; requests still running there reject. Later requests run here until it is started again. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker) await worker.terminate();
  }

  private onThread(
    worker: Worker,
    settings: ChatSettings,
    messages: WireMessage[],
    format: string,
    signal: AbortSignal,
  ): Promise<ChatAnswer> {
    const id = this.nextId++;
    const request: ChatRequest = { type: "call", id, settings, messages, format };
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

  private thread(): Worker {
    if (this.worker) return this.worker;
    const entry = threadEntry("classify/chat-thread/chat-thread-worker");
    // V8's default young generation for a thread (16 MB semi-spaces) added ~40 MB to the daemon at its peak
    const worker = new Worker(entry.source, {
      eval: entry.eval,
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    let isReady: () => void = () => {};
    let notReady: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      isReady = resolve;
      notReady = reject;
    });
    this.ready.catch(() => undefined);
    worker.on("message", (message: unknown) => {
      if (message === "ready") {
        saidReady = true;
        if (this.worker === worker) this.takes = true;
        isReady();
        return;
      }
      const reply = chatReplySchema.safeParse(message);
      if (!reply.success) return;
      const waiting = this.settle(reply.data.id);
      if (reply.data.ok) waiting?.resolve(reply.data.answer);
      else waiting?.reject(fromWireError(reply.data.error));
    });
    let saidReady = false;
    const ended = (why: string) => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.takes = false;
        // one that never got ready will not the next time either: the requests stay here
        if (!saidReady) this.wanted = false;
      }
      const error = new Error(`the model request thread ended (${why})`);
      notReady(error);
      for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
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

/**
 * An Ollama-protocol server on loopback that behaves, for timing and token accounting, like one loaded model on
 * a CPU (see /work/shared/ollama-api.md and https://github.com/ollama/ollama/blob/main/docs/api.md):
 *
 * - `parallel` slots (OLLAMA_NUM_PARALLEL): requests beyond them wait in arrival order; a client that disconnects
 *   while waiting is dropped, one that disconnects while answered frees its slot.
 * - every request holds its slot for latencyMs + evaluated prompt tokens × promptTokenMs + generated tokens ×
 *   outputTokenMs, counted with the real Llama 3 tokenizer over the chat template;
 * - a per-slot prefix cache: a slot remembers its last prompt, and only the tokens after the common prefix are
 *   evaluated, charged and reported as `prompt_eval_count` (what Ollama's own runner reported before 0.30,
 *   ollama/ollama#2068); the reused part is reported as `prompt_eval_cached_count` (the field Ollama added in
 *   ollama/ollama#17943);
 * - a prompt longer than num_ctx is cut the way Ollama cuts it, and the model only sees what is left;
 * - answers stream as NDJSON over the generation time, then a `done` line with Ollama's timing fields
 *   (integer nanoseconds).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { normalizeModelName, readBody, sendJson } from "../../tests/support/ollama-protocol.js";
import { sleep } from "../../tests/support/ollama-server.js";
import { type AnswerModel, requestKind } from "./answer-model.js";
import { answerTokens, decodeTokens, promptTokens } from "./llama3-tokens.js";
import { SlotPool } from "./slots.js";

export interface EmulatorOptions {
  /** What the model answers. */
  answer: AnswerModel;
  /** Fixed time per request in its slot before the first token (ms). Default 0. */
  latencyMs?: number;
  /** Parallel slots (OLLAMA_NUM_PARALLEL). Default 1. */
  parallel?: number;
  /** Cost of one evaluated prompt token (ms). Default 0.5. */
  promptTokenMs?: number;
  /** Cost of one generated token (ms). Default 2.5. */
  outputTokenMs?: number;
  /** Per-slot prefix cache. Default on. */
  prefixCache?: boolean;
  /** Content lines streamed before the done line. Default 4. */
  chunks?: number;
  /** Installed models. Default ["llama3.2:latest"]. */
  models?: string[];
}

/** One /api/chat request as the emulator served it. Times are epoch milliseconds (fractional). */
export interface EmulatedCall {
  id: number;
  kind: "classify" | "invoice" | "other";
  arrivedAt: number;
  /** When a slot was its: arrival, or when the slot it waited for was freed (undefined: it never got one). */
  startedAt: number | undefined;
  /** When its slot was released: answer written, error sent, or client gone. */
  finishedAt: number | undefined;
  slot: number | undefined;
  /** Prompt tokens the model saw, chat template included (after truncation to num_ctx). */
  promptTokens: number;
  /** The prompt's size before Ollama cut it to fit num_ctx, when it did. */
  truncatedFrom: number | undefined;
  /** Of those, taken from the slot's cache. */
  cachedTokens: number;
  /** Of those, evaluated (and charged). */
  evaluatedTokens: number;
  outputTokens: number;
  /** Model compute charged: evaluated × promptTokenMs + output × outputTokenMs (latency not included). */
  computeMs: number;
  status: "ok" | "error" | "aborted";
}

export interface OllamaEmulator {
  readonly url: string;
  readonly parallel: number;
  readonly calls: readonly EmulatedCall[];
  /** Requests waiting for a slot right now. */
  readonly waiting: number;
  /** Slot-milliseconds spent serving requests within [from, to] (epoch ms). */
  busySlotMs(from: number, to: number): number;
  /** Resolves once `count` calls have finished (or failed). */
  waitForFinished(count: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and drops every connection, like a host that dies. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ["llama3.2:latest"];
/** num_ctx when a request sets none (OLLAMA_CONTEXT_LENGTH's usual value on small machines). */
const DEFAULT_NUM_CTX = 4096;
const NDJSON = "application/x-ndjson";

const chatBody = z.object({
  model: z.string().min(1),
  messages: z.array(z.object({ role: z.string(), content: z.string().default("") }).loose()),
  format: z.unknown().optional(),
  options: z.record(z.string(), z.unknown()).default({}),
  stream: z.boolean().default(true),
});
type ChatBody = z.infer<typeof chatBody>;

/** Epoch milliseconds with sub-millisecond resolution. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

const ns = (ms: number) => Math.round(ms * 1_000_000);

/** Splits `text` into `count` pieces of about equal length (code-point safe). */
function pieces(text: string, count: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / count));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out.length > 0 ? out : [""];
}

class Emulator {
  readonly calls: EmulatedCall[] = [];
  readonly slots: SlotPool;
  readonly models: string[];
  private readonly settings: Required<Omit<EmulatorOptions, "answer" | "models">>;
  private waiters = new Set<() => void>();

  constructor(private readonly options: EmulatorOptions) {
    this.settings = {
      latencyMs: options.latencyMs ?? 0,
      parallel: options.parallel ?? 1,
      promptTokenMs: options.promptTokenMs ?? 0.5,
      outputTokenMs: options.outputTokenMs ?? 2.5,
      prefixCache: options.prefixCache ?? true,
      chunks: Math.max(1, options.chunks ?? 4),
    };
    this.slots = new SlotPool(this.settings.parallel, this.settings.prefixCache, epochNow);
    this.models = (options.models ?? DEFAULT_MODELS).map(normalizeModelName);
  }

  get parallel(): number {
    return this.settings.parallel;
  }

  busySlotMs(from: number, to: number): number {
    let total = 0;
    for (const call of this.calls) {
      if (call.startedAt === undefined) continue;
      const end = call.finishedAt ?? epochNow();
      total += Math.max(0, Math.min(end, to) - Math.max(call.startedAt, from));
    }
    return total;
  }

  waitForFinished(count: number, timeoutMs: number): Promise<void> {
    const finished = () => this.calls.filter((c) => c.finishedAt !== undefined).length >= count;
    return new Promise((resolve, reject) => {
      if (finished()) return resolve();
      const check = () => {
        if (!finished()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`emulator: ${count} finished calls not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private finish(call: EmulatedCall, status: EmulatedCall["status"], at = epochNow()): void {
    if (call.finishedAt !== undefined) return;
    call.finishedAt = at;
    call.status = status;
    for (const waiter of [...this.waiters]) waiter();
  }

  async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = epochNow();
    const parsed = chatBody.safeParse(safeJson(await readBody(req)));
    if (!parsed.success) return sendJson(res, 400, { error: `invalid request: ${parsed.error.message}` });
    const body = parsed.data;
    if (!this.models.includes(normalizeModelName(body.model))) {
      return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    }
    const full = promptTokens(body.messages);
    const tokens = fitContext(full, body.options);
    const call: EmulatedCall = {
      id: this.calls.length + 1,
      kind: requestKind(body.format),
      arrivedAt,
      startedAt: undefined,
      finishedAt: undefined,
      slot: undefined,
      promptTokens: tokens.length,
      truncatedFrom: tokens.length < full.length ? full.length : undefined,
      cachedTokens: 0,
      evaluatedTokens: 0,
      outputTokens: 0,
      computeMs: 0,
      status: "ok",
    };
    this.calls.push(call);
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const grant = await this.slots.acquire(tokens, gone.signal);
    if (!grant) return this.finish(call, "aborted");
    // The emulator's own work (reading the body, tokenizing) is the server's time, not the client's: the slot
    // counts as busy from the arrival (or from when it became free), and that work comes out of the latency.
    call.startedAt = Math.max(arrivedAt, grant.freeSince);
    call.slot = grant.slot;
    try {
      await this.answer(call, body, tokens, grant.cachedTokens, res, gone.signal);
    } finally {
      const freedAt = grant.release();
      this.finish(call, gone.signal.aborted ? "aborted" : call.status, freedAt);
    }
  }

  private async answer(
    call: EmulatedCall,
    body: ChatBody,
    tokens: readonly number[],
    cachedTokens: number,
    res: ServerResponse,
    gone: AbortSignal,
  ): Promise<void> {
    const cut = call.truncatedFrom !== undefined;
    const answer = this.options.answer({
      model: body.model,
      // a cut prompt is what the model sees: the start of the template and the tail of the text
      messages: cut ? [{ role: "user", content: decodeTokens(tokens) }] : body.messages,
      format: body.format,
      options: body.options,
    });
    if ("error" in answer) {
      call.status = "error";
      return sendJson(res, answer.status, { error: answer.error });
    }
    const numPredict = typeof body.options.num_predict === "number" ? body.options.num_predict : -1;
    let output = answerTokens(answer.content);
    let content = answer.content;
    let doneReason = "stop";
    if (numPredict > 0 && output.length > numPredict) {
      output = output.slice(0, numPredict);
      content = decodeTokens(output);
      doneReason = "length";
    }
    const { latencyMs, promptTokenMs, outputTokenMs, chunks } = this.settings;
    call.cachedTokens = cachedTokens;
    call.evaluatedTokens = call.promptTokens - cachedTokens;
    call.outputTokens = output.length;
    const promptMs = call.evaluatedTokens * promptTokenMs;
    const evalMs = call.outputTokens * outputTokenMs;
    call.computeMs = promptMs + evalMs;

    await sleep(latencyMs + promptMs - (epochNow() - (call.startedAt ?? 0)), gone);
    if (gone.aborted) return;
    const line = (message: Record<string, unknown>, done: boolean) => ({
      model: body.model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", ...message },
      done,
    });
    const doneLine = (message: Record<string, unknown>) => ({
      ...line(message, true),
      done_reason: doneReason,
      total_duration: ns(epochNow() - call.arrivedAt),
      load_duration: 0,
      prompt_eval_count: call.evaluatedTokens,
      prompt_eval_cached_count: call.cachedTokens,
      prompt_eval_duration: ns(promptMs),
      eval_count: call.outputTokens,
      eval_duration: ns(evalMs),
    });
    if (!body.stream) {
      await sleep(evalMs, gone);
      if (!gone.aborted) sendJson(res, 200, doneLine({ content }));
      return;
    }
    res.writeHead(200, { "content-type": NDJSON });
    const parts = pieces(content, chunks);
    for (const part of parts) {
      await sleep(evalMs / parts.length, gone);
      if (gone.aborted) return;
      res.write(`${JSON.stringify(line({ content: part }, false))}\n`);
    }
    res.end(`${JSON.stringify(doneLine({ content: "" }))}\n`);
  }

  get(path: string, res: ServerResponse): boolean {
    const details = { format: "gguf", family: "llama", parameter_size: "3.2B", quantization_level: "Q4_K_M" };
    const entry = (name: string) => ({ name, model: name, size: 2019393189, details });
    switch (path) {
      case "/":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end("Ollama is running");
        return true;
      case "/api/version":
        sendJson(res, 200, { version: "0.12.3" });
        return true;
      case "/api/tags":
        sendJson(res, 200, { models: this.models.map(entry) });
        return true;
      case "/api/ps":
        sendJson(res, 200, { models: this.models.map(entry) });
        return true;
      default:
        return false;
    }
  }
}

/**
 * Ollama's truncation of a prompt longer than num_ctx (ollama-api.md section 6, Ollama >= 0.30): the first
 * num_keep + 1 tokens are kept, then the tail, down to num_ctx - floor((num_ctx - keep) / 2) tokens.
 */
export function fitContext(tokens: readonly number[], options: Record<string, unknown>): readonly number[] {
  const numCtx = typeof options.num_ctx === "number" ? options.num_ctx : DEFAULT_NUM_CTX;
  if (tokens.length <= numCtx - 1) return tokens;
  const keep = (typeof options.num_keep === "number" ? options.num_keep : 4) + 1;
  const target = numCtx - Math.floor((numCtx - keep) / 2);
  return [...tokens.slice(0, keep), ...tokens.slice(tokens.length - (target - keep))];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Starts an emulator on 127.0.0.1 with a free port. */
export async function startEmulator(options: EmulatorOptions): Promise<OllamaEmulator> {
  const emulator = new Emulator(options);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route =
      req.method === "POST" && path === "/api/chat"
        ? emulator.chat(req, res)
        : Promise.resolve(req.method === "GET" && emulator.get(path, res)).then((handled) => {
            if (!handled) sendJson(res, 404, { error: "not found" });
          });
    route.catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    get parallel() {
      return emulator.parallel;
    },
    get calls() {
      return emulator.calls;
    },
    get waiting() {
      return emulator.slots.waiting;
    },
    busySlotMs: (from, to) => emulator.busySlotMs(from, to),
    waitForFinished: (count, timeoutMs = 30_000) => emulator.waitForFinished(count, timeoutMs),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

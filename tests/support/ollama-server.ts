/**
 * Loopback server speaking the Ollama HTTP protocol (see /work/shared/ollama-api.md), so tests can
 * drive the real ChatOllama client without a real Ollama.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  answerGet,
  type ChatMessage,
  DEFAULT_VERSION,
  digestOf,
  isRecord,
  keepAliveMs,
  modelNotFound,
  NDJSON_TYPE,
  normalizeModelName,
  onRouteFailure,
  parseJsonObject,
  readBody,
  sendError,
  sendJson,
  sendNotFound,
  showNotFound,
  showRequestModel,
  toKeepAlive,
  toMessages,
} from "./ollama-protocol.js";

export { type ChatMessage, normalizeModelName } from "./ollama-protocol.js";

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

/** The `options` object of a chat request (only the fields docsort cares about are typed). */
export interface ChatRequestOptions {
  num_ctx?: number;
  num_predict?: number;
  num_keep?: number;
  temperature?: number;
  seed?: number;
  top_k?: number;
  top_p?: number;
  stop?: string[];
  [key: string]: unknown;
}

export interface RecordedRequest {
  /** 1-based order of arrival. */
  id: number;
  model: string;
  messages: ChatMessage[];
  /** undefined, "json", or a JSON Schema object. */
  format: unknown;
  options: ChatRequestOptions;
  keep_alive: string | number | undefined;
  /** As Ollama interprets it: true unless the body says `"stream": false`. */
  stream: boolean;
  tools: unknown[] | undefined;
  think: unknown;
  /** The whole parsed request body. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** Date.now() when the body had been read. */
  receivedAt: number;
  /** Date.now() when the answer was completely written, or the connection closed. */
  finishedAt: number | undefined;
  /** True when the connection closed before the answer was completely written. */
  aborted: boolean;
  /** Prompt tokens by the server's counter (before any truncation). */
  promptTokens: number;
  /**
   * True when simulateTruncation is on and the prompt did not fit num_ctx: like Ollama, the server "dropped the
   * start" (instructions included). Responders can answer the way such a model would.
   */
  promptTruncated: boolean;
}

interface ReplyBase {
  /** Delay before the first byte of the answer. */
  latencyMs?: number;
}

interface AnswerFields extends ReplyBase {
  /** prompt_eval_count of the done line. Default: estimate from the message lengths. */
  promptEvalCount?: number;
  /** eval_count of the done line. Default: ceil(content length / 4). */
  evalCount?: number;
  /** Number of content lines before the done line (default 2). */
  chunks?: number;
  /** Delay between streamed lines. */
  chunkDelayMs?: number;
  /** done_reason of the done line (default "stop"). */
  doneReason?: string;
}

/** A model answer whose content is JSON.stringify(value). */
export interface JsonReply extends AnswerFields {
  kind: "json";
  value: unknown;
}

/** A model answer with raw content (invalid JSON, `<think>` blocks, prose around JSON...). */
export interface TextReply extends AnswerFields {
  kind: "text";
  content: string;
  /** Sent as `message.thinking` in a line before the content. */
  thinking?: string;
}

/** functionCalling answer: message.tool_calls with `arguments` as an object. */
export interface ToolReply extends AnswerFields {
  kind: "tool";
  args: unknown;
  /** Tool name (default "extract"). */
  name?: string;
}

/** Plain HTTP error before streaming: `{"error": message}`. */
export interface ErrorReply extends ReplyBase {
  kind: "error";
  status: number;
  message: string;
}

/** 200 response, some content lines, then an `{"error": message}` line and end of stream. */
export interface StreamErrorReply extends ReplyBase {
  kind: "stream-error";
  message: string;
  /** Content lines before the error line (default 1). */
  afterChunks?: number;
  /** Partial content spread over those lines (default `{"category":`). */
  content?: string;
}

/** Content lines, then the stream ends without a done:true line. */
export interface NoDoneReply extends ReplyBase {
  kind: "no-done";
  content?: string;
  chunks?: number;
}

/** Never answer; the request stays open until the client disconnects or the server closes. */
export interface HangReply extends ReplyBase {
  kind: "hang";
}

export type Reply =
  | JsonReply
  | TextReply
  | ToolReply
  | ErrorReply
  | StreamErrorReply
  | NoDoneReply
  | HangReply;

export type Responder = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface OllamaServerOptions {
  /** Installed models (default ["llama3.2:latest"]). */
  models?: string[];
  /** Responder used when the reply queue is empty (default: a 500 "no reply scripted" error). */
  responder?: Responder;
  /**
   * Report prompt_eval_count like Ollama >= 0.30 truncating an oversized prompt: when the estimated
   * prompt tokens reach num_ctx, report num_ctx - floor((num_ctx - keep) / 2) with keep = num_keep + 1.
   */
  simulateTruncation?: boolean;
  /** num_ctx assumed when a request sets none (default 4096, like OLLAMA_CONTEXT_LENGTH on small machines). */
  defaultNumCtx?: number;
  /**
   * How the server counts prompt tokens (default: estimatePromptTokens, 4 characters a token). A real tokenizer
   * counts digit- and punctuation-heavy text far denser; pass a counter that does.
   */
  countTokens?: (messages: ChatMessage[]) => number;
  /**
   * Like Ollama, stop an answer at num_predict: content longer than num_predict tokens (4 characters a token) is
   * cut there and the done line says done_reason "length".
   */
  limitOutput?: boolean;
  /** What /api/version reports (default "0.12.3"). */
  version?: string;
  /** Listen on this port (default: any free one); lets a test stop a server and start it again at the same URL. */
  port?: number;
}

export interface OllamaServer {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
  /** Every parsed POST /api/chat request, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** /api/chat requests currently being answered. */
  readonly activeRequests: number;
  /** Peak of activeRequests. */
  readonly maxConcurrent: number;
  setModels(names: string[]): void;
  /** Replace the responder. */
  script(responder: Responder): void;
  /** Queue one-shot replies, used (in order) before the responder. */
  enqueue(...replies: Array<Reply | Responder>): void;
  /** Resolve once at least `count` chat requests have been recorded. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolve once no chat request is being answered. */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Forget requests, queued replies, the scripted responder and the concurrency peak. */
  reset(): void;
  /** Stop listening and destroy every open socket, including hanging requests. Safe to call twice. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers for tests
// ---------------------------------------------------------------------------------------------------------

/** Content of the last user message ("" if there is none). */
export function lastUserText(req: RecordedRequest): string {
  const users = req.messages.filter((m) => m.role === "user");
  return users.at(-1)?.content ?? "";
}

/** All message contents joined with newlines. */
export function allText(req: RecordedRequest): string {
  return req.messages.map((m) => m.content).join("\n");
}

/**
 * A JSON answer cut after `chars` characters with done_reason "length", as Ollama sends one that ran into
 * num_predict (the JSON is left unfinished).
 */
export function cutReply(value: unknown, chars: number, fields: AnswerFields = {}): TextReply {
  const content = JSON.stringify(value) ?? "";
  return { ...fields, kind: "text", content: content.slice(0, chars), doneReason: "length" };
}

/** A JSON answer after prose, e.g. `Here is my answer for {the file}: {…}` (braces in the prose included). */
export function proseReply(prose: string, value: unknown, fields: AnswerFields = {}): TextReply {
  return { ...fields, kind: "text", content: `${prose}${JSON.stringify(value)}` };
}

/** The server's prompt-size estimate: ceil(total chars of all message contents / 4). */
export function estimatePromptTokens(messages: ChatMessage[]): number {
  const chars = messages.reduce((sum, m) => sum + m.content.length, 0);
  return Math.ceil(chars / 4);
}

// ---------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------

const DEFAULT_MODELS = ["llama3.2:latest"];
const CONTEXT_LENGTH = 131072;
const MODEL_SIZE = 2019393189;
const MODIFIED_AT = "2025-03-01T10:00:00.000000000Z";
const LOAD_NS = 15_000_000;
const PROMPT_TOKEN_NS = 200_000;
const EVAL_TOKEN_NS = 12_000_000;

const NO_REPLY: Reply = { kind: "error", status: 500, message: "no reply scripted for this request" };

// ---------------------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------------------

function familyOf(name: string): string {
  const match = /^[a-z]+/i.exec(name.slice(name.lastIndexOf("/") + 1));
  return match ? match[0].toLowerCase() : "llama";
}

function modelDetails(name: string): Record<string, unknown> {
  const family = familyOf(name);
  return {
    parent_model: "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: "3.2B",
    quantization_level: "Q4_K_M",
  };
}

/** Split text into exactly `count` pieces (code-point safe; trailing pieces may be empty). */
function splitInto(text: string, count: number): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.floor(count));
  const size = Math.ceil(chars.length / n);
  return Array.from({ length: n }, (_, i) => chars.slice(i * size, (i + 1) * size).join(""));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------------------------

function toRecordedRequest(
  id: number,
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
): RecordedRequest {
  return {
    id,
    model: typeof body.model === "string" ? body.model : "",
    messages: toMessages(body.messages),
    format: body.format,
    options: isRecord(body.options) ? body.options : {},
    keep_alive: toKeepAlive(body.keep_alive),
    stream: body.stream !== false,
    tools: Array.isArray(body.tools) ? body.tools : undefined,
    think: body.think,
    body,
    headers,
    receivedAt: Date.now(),
    finishedAt: undefined,
    aborted: false,
    promptTokens: 0,
    promptTruncated: false,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Response writing
// ---------------------------------------------------------------------------------------------------------

/** Everything needed to answer one chat request. */
interface Exchange {
  record: RecordedRequest;
  res: ServerResponse;
  /** Aborted when the connection closes. */
  signal: AbortSignal;
  truncation: TruncationSettings;
}

interface TruncationSettings {
  simulate: boolean;
  defaultNumCtx: number;
  limitOutput: boolean;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function promptTokens(record: RecordedRequest, truncation: TruncationSettings): number {
  const estimate = record.promptTokens;
  if (!truncation.simulate) return estimate;
  const numCtx = numberOr(record.options.num_ctx, truncation.defaultNumCtx);
  if (estimate <= numCtx - 1) return estimate;
  const keep = numberOr(record.options.num_keep, 4) + 1;
  return numCtx - Math.floor((numCtx - keep) / 2);
}

/** Content and done_reason after Ollama's num_predict limit, when the server enforces it. */
function limitContent(
  exchange: Exchange,
  reply: AnswerFields,
  content: string,
): { content: string; reply: AnswerFields } {
  const numPredict = exchange.record.options.num_predict;
  if (!exchange.truncation.limitOutput || typeof numPredict !== "number" || numPredict < 0) {
    return { content, reply };
  }
  const max = numPredict * 4;
  if (content.length <= max) return { content, reply };
  return { content: content.slice(0, max), reply: { ...reply, doneReason: "length", evalCount: numPredict } };
}

function baseLine(record: RecordedRequest, message: Record<string, unknown>, done: boolean) {
  return {
    model: record.model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", ...message },
    done,
  };
}

function doneLine(
  exchange: Exchange,
  reply: AnswerFields,
  content: string,
  message: Record<string, unknown>,
) {
  const promptCount = reply.promptEvalCount ?? promptTokens(exchange.record, exchange.truncation);
  const evalCount = reply.evalCount ?? Math.max(1, Math.ceil(content.length / 4));
  const promptNs = promptCount * PROMPT_TOKEN_NS;
  const evalNs = evalCount * EVAL_TOKEN_NS;
  const latencyNs = Math.round((reply.latencyMs ?? 0) * 1_000_000);
  return {
    ...baseLine(exchange.record, message, true),
    done_reason: reply.doneReason ?? "stop",
    total_duration: LOAD_NS + promptNs + evalNs + latencyNs,
    load_duration: LOAD_NS,
    prompt_eval_count: promptCount,
    prompt_eval_duration: promptNs,
    eval_count: evalCount,
    eval_duration: evalNs,
  };
}

function isOpen(exchange: Exchange): boolean {
  return !exchange.signal.aborted && !exchange.res.destroyed;
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": NDJSON_TYPE });
}

/** Write NDJSON lines with an optional delay between them; stops when the client goes away. */
async function writeLines(exchange: Exchange, lines: unknown[], delayMs: number): Promise<void> {
  for (const [index, line] of lines.entries()) {
    if (index > 0) await sleep(delayMs, exchange.signal);
    if (!isOpen(exchange)) return;
    exchange.res.write(`${JSON.stringify(line)}\n`);
  }
}

function contentLines(record: RecordedRequest, content: string, chunks: number): unknown[] {
  return splitInto(content, chunks).map((piece) => baseLine(record, { content: piece }, false));
}

async function answerContent(
  exchange: Exchange,
  fullReply: AnswerFields,
  fullContent: string,
  extraLines: unknown[],
  finalMessage: Record<string, unknown>,
): Promise<void> {
  const { record, res } = exchange;
  const { content, reply } = limitContent(exchange, fullReply, fullContent);
  if (!record.stream) {
    sendJson(res, 200, doneLine(exchange, reply, content, { content, ...finalMessage }));
    return;
  }
  const lines = [
    ...extraLines,
    ...contentLines(record, content, reply.chunks ?? 2),
    doneLine(exchange, reply, content, { content: "" }),
  ];
  startStream(res);
  await writeLines(exchange, lines, reply.chunkDelayMs ?? 0);
  if (isOpen(exchange)) res.end();
}

function answerText(exchange: Exchange, reply: TextReply): Promise<void> {
  const thinking = reply.thinking;
  const extra =
    thinking === undefined || !exchange.record.stream
      ? []
      : [baseLine(exchange.record, { content: "", thinking }, false)];
  const final = thinking === undefined || exchange.record.stream ? {} : { thinking };
  return answerContent(exchange, reply, reply.content, extra, final);
}

function answerTool(exchange: Exchange, reply: ToolReply): Promise<void> {
  const toolCalls = [{ function: { name: reply.name ?? "extract", arguments: reply.args } }];
  const content = JSON.stringify(reply.args) ?? "";
  const { record, res } = exchange;
  if (!record.stream) {
    sendJson(res, 200, doneLine(exchange, reply, content, { content: "", tool_calls: toolCalls }));
    return Promise.resolve();
  }
  const lines = [
    baseLine(record, { content: "", tool_calls: toolCalls }, false),
    doneLine(exchange, reply, content, { content: "" }),
  ];
  startStream(res);
  return writeLines(exchange, lines, reply.chunkDelayMs ?? 0).then(() => {
    if (isOpen(exchange)) res.end();
  });
}

async function answerStreamError(exchange: Exchange, reply: StreamErrorReply): Promise<void> {
  const { record, res } = exchange;
  if (!record.stream) {
    sendError(res, 500, reply.message);
    return;
  }
  const chunks = reply.afterChunks ?? 1;
  const lines = chunks > 0 ? contentLines(record, reply.content ?? '{"category":', chunks) : [];
  startStream(res);
  await writeLines(exchange, [...lines, { error: reply.message }], 0);
  if (isOpen(exchange)) res.end();
}

async function answerNoDone(exchange: Exchange, reply: NoDoneReply): Promise<void> {
  const { record, res } = exchange;
  const content = reply.content ?? "{}";
  if (!record.stream) {
    sendJson(res, 200, baseLine(record, { content }, false));
    return;
  }
  startStream(res);
  await writeLines(exchange, contentLines(record, content, reply.chunks ?? 1), 0);
  if (isOpen(exchange)) res.end();
}

/** Resolves when the connection closes (client disconnect or server shutdown). */
function hang(exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    if (exchange.signal.aborted) resolve();
    else exchange.signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function answer(exchange: Exchange, reply: Reply): Promise<void> {
  await sleep(reply.latencyMs ?? 0, exchange.signal);
  if (!isOpen(exchange)) return;
  switch (reply.kind) {
    case "json":
      return answerContent(exchange, reply, JSON.stringify(reply.value) ?? "", [], {});
    case "text":
      return answerText(exchange, reply);
    case "tool":
      return answerTool(exchange, reply);
    case "error":
      return sendError(exchange.res, reply.status, reply.message);
    case "stream-error":
      return answerStreamError(exchange, reply);
    case "no-done":
      return answerNoDone(exchange, reply);
    case "hang":
      return hang(exchange);
    default:
      return unknownReply(exchange, reply);
  }
}

function unknownReply(exchange: Exchange, reply: never): void {
  sendError(exchange.res, 500, `test server: unknown reply ${JSON.stringify(reply)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Model bookkeeping (/api/tags, /api/show, /api/ps)
// ---------------------------------------------------------------------------------------------------------

interface LoadedModel {
  name: string;
  contextLength: number;
  expiresAt: number;
}

function tagsEntry(name: string): Record<string, unknown> {
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: MODEL_SIZE,
    digest: digestOf(name),
    details: modelDetails(name),
  };
}

function showBody(name: string): Record<string, unknown> {
  const family = familyOf(name);
  return {
    modelfile: `# Modelfile generated by "ollama show"\nFROM ${name}\n`,
    parameters: 'stop                           "<|eot_id|>"',
    template: "{{ .Prompt }}",
    details: modelDetails(name),
    model_info: {
      "general.architecture": family,
      "general.parameter_count": 3212749888,
      [`${family}.context_length`]: CONTEXT_LENGTH,
      [`${family}.embedding_length`]: 3072,
    },
    capabilities: ["completion", "tools"],
    modified_at: MODIFIED_AT,
  };
}

function psEntry(model: LoadedModel): Record<string, unknown> {
  return {
    name: model.name,
    model: model.name,
    size: MODEL_SIZE,
    digest: digestOf(model.name),
    details: modelDetails(model.name),
    expires_at: new Date(model.expiresAt).toISOString(),
    size_vram: MODEL_SIZE,
    context_length: model.contextLength,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------------

type Waiter = () => void;

class ServerState {
  models: string[];
  responder: Responder | undefined;
  queue: Array<Reply | Responder> = [];
  requests: RecordedRequest[] = [];
  active = 0;
  peak = 0;
  loaded = new Map<string, LoadedModel>();
  waiters = new Set<Waiter>();

  constructor(readonly options: OllamaServerOptions) {
    this.models = (options.models ?? DEFAULT_MODELS).map(normalizeModelName);
    this.responder = options.responder;
  }

  get truncation(): TruncationSettings {
    return {
      simulate: this.options.simulateTruncation ?? false,
      defaultNumCtx: this.options.defaultNumCtx ?? 4096,
      limitOutput: this.options.limitOutput ?? false,
    };
  }

  findModel(name: string): string | undefined {
    const wanted = normalizeModelName(name);
    return this.models.find((m) => m === wanted);
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async nextReply(record: RecordedRequest): Promise<Reply> {
    const next = this.queue.shift() ?? this.responder;
    if (next === undefined) return NO_REPLY;
    try {
      return typeof next === "function" ? await next(record) : next;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: "error", status: 500, message: `test server responder threw: ${message}` };
    }
  }

  markLoaded(record: RecordedRequest, name: string): void {
    const ms = keepAliveMs(record.keep_alive);
    if (ms === 0) {
      this.loaded.delete(name);
      return;
    }
    const expiresAt = ms < 0 ? Date.UTC(2318, 0, 1) : Date.now() + ms;
    const contextLength = numberOr(record.options.num_ctx, this.truncation.defaultNumCtx);
    this.loaded.set(name, { name, contextLength, expiresAt });
  }

  loadedModels(): LoadedModel[] {
    const now = Date.now();
    return [...this.loaded.values()].filter((m) => m.expiresAt > now);
  }
}

function waitFor(state: ServerState, ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ready()) {
      resolve();
      return;
    }
    const check: Waiter = () => {
      if (!ready()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`test Ollama server: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      state.waiters.delete(check);
    }
    state.waiters.add(check);
  });
}

/** Tracks one chat request from arrival to completion/disconnect (exactly one decrement). */
function beginExchange(state: ServerState, record: RecordedRequest, res: ServerResponse): Exchange {
  const controller = new AbortController();
  state.active += 1;
  state.peak = Math.max(state.peak, state.active);
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    record.finishedAt = Date.now();
    if (!res.writableFinished) record.aborted = true;
    state.active -= 1;
    controller.abort();
    state.notify();
  };
  res.on("close", settle);
  res.on("finish", settle);
  state.requests.push(record);
  state.notify();
  return { record, res, signal: controller.signal, truncation: state.truncation };
}

async function handleChat(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseJsonObject(await readBody(req));
  if (typeof body === "string") {
    sendError(res, 400, body);
    return;
  }
  const record = toRecordedRequest(state.requests.length + 1, body, req.headers);
  record.promptTokens = (state.options.countTokens ?? estimatePromptTokens)(record.messages);
  const numCtx = numberOr(record.options.num_ctx, state.truncation.defaultNumCtx);
  record.promptTruncated = state.truncation.simulate && record.promptTokens > numCtx - 1;
  const exchange = beginExchange(state, record, res);
  if (record.model === "") {
    sendError(res, 400, "model is required");
    return;
  }
  const model = state.findModel(record.model);
  if (model === undefined) {
    sendError(res, 404, modelNotFound(record.model));
    return;
  }
  const reply = await state.nextReply(record);
  if (reply.kind !== "error") state.markLoaded(record, model);
  await answer(exchange, reply);
}

async function handleShow(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseJsonObject(await readBody(req));
  if (typeof body === "string") {
    sendError(res, 400, body);
    return;
  }
  const requested = showRequestModel(body);
  if (requested === "") {
    sendError(res, 400, "model is required");
    return;
  }
  const model = state.findModel(requested);
  if (model === undefined) sendError(res, 404, showNotFound(requested));
  else sendJson(res, 200, showBody(model));
}

async function route(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const method = req.method ?? "GET";
  const bodies = {
    version: state.options.version ?? DEFAULT_VERSION,
    tags: () => state.models.map(tagsEntry),
    ps: () => state.loadedModels().map(psEntry),
  };
  if ((method === "GET" || method === "HEAD") && answerGet(res, path, method === "HEAD", bodies)) return;
  if (method === "POST" && path === "/api/chat") return handleChat(state, req, res);
  if (method === "POST" && path === "/api/show") return handleShow(state, req, res);
  req.resume();
  sendNotFound(res);
}

export async function startOllamaServer(options: OllamaServerOptions = {}): Promise<OllamaServer> {
  const state = new ServerState(options);
  const server = createServer((req, res) => {
    route(state, req, res).catch((error: unknown) => onRouteFailure(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get activeRequests() {
      return state.active;
    },
    get maxConcurrent() {
      return state.peak;
    },
    setModels(names) {
      state.models = names.map(normalizeModelName);
    },
    script(responder) {
      state.responder = responder;
    },
    enqueue(...replies) {
      state.queue.push(...replies);
    },
    async waitForRequests(count, timeoutMs = 2000) {
      await waitFor(state, () => state.requests.length >= count, `${count} chat request(s)`, timeoutMs);
      return state.requests.slice(0, count);
    },
    waitForIdle(timeoutMs = 2000) {
      return waitFor(state, () => state.active === 0, "idle", timeoutMs);
    },
    reset() {
      state.requests = [];
      state.queue = [];
      state.responder = options.responder;
      state.peak = state.active;
      state.loaded.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

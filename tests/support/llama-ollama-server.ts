/**
 * A loopback server speaking the Ollama endpoints docsort uses (/work/shared/ollama-api.md), answered by a real
 * llama.cpp engine (node-llama-cpp) running the tiny test model: real tokenizer, real chat template, `format`
 * turned into a grammar as Ollama turns it, tokens streamed one by one as NDJSON, errors worded as Ollama words
 * them. One request at a time (OLLAMA_NUM_PARALLEL=1), one thread.
 *
 * Not emulated: model unloading after keep_alive (the model stays loaded; /api/ps shows the expiry), context
 * shifting during generation (generation stops with done_reason "length" when the window is full), repeat
 * penalties, tools and thinking (the model has neither capability, so such requests get Ollama's 400).
 *
 * Import it dynamically (after checkRealEngine() in real-engine.ts): it loads node-llama-cpp.
 */

import { statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadLlama } from "./llama-engine/engine.js";
import { type FormatGrammar, FormatGrammars } from "./llama-engine/format-grammar.js";
import {
  GenerationEngine,
  type GenerationResult,
  type LlamaGrammar,
  type LlamaModel,
  OLLAMA_DEFAULTS,
  type SamplingOptions,
} from "./llama-engine/generation.js";
import { llamaCppSources } from "./llama-engine/llama-cpp-sources.js";
import { pythonWithNumpy } from "./llama-engine/python.js";
import { prepareTinyModel, type TinyModel } from "./llama-engine/tiny-model.js";
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

/** One POST /api/chat as the server saw and answered it. */
export interface EngineRequest {
  id: number;
  model: string;
  messages: ChatMessage[];
  format: unknown;
  options: Record<string, unknown>;
  stream: boolean;
  /** How `format` was turned into a grammar, or why it could not be. */
  grammar: FormatGrammar | undefined;
  /** HTTP status of the answer (200 for a stream, even one that ended with an error line). */
  status: number | undefined;
  /** The error sent, as Ollama words it. */
  error: string | undefined;
  /** The whole answer text. */
  content: string;
  /** NDJSON content lines written before the done line. */
  contentLines: number;
  result: GenerationResult | undefined;
  /** The client went away before the answer was complete. */
  aborted: boolean;
  receivedAt: number;
  finishedAt: number | undefined;
}

export interface LlamaOllamaServer {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
  /** The model's name as /api/tags lists it ("tiny-qwen2:latest"). */
  readonly modelName: string;
  readonly model: TinyModel;
  readonly requests: EngineRequest[];
  /** Chat requests received and not yet finished (waiting for the slot or generating). */
  readonly activeRequests: number;
  /** True while a request holds the engine. */
  readonly engineBusy: boolean;
  /** Prompt tokens Ollama would evaluate for these messages in a window of num_ctx tokens (template included). */
  countPromptTokens(messages: readonly ChatMessage[], numCtx?: number): number;
  /** Resolves once no chat request is active and the engine is free. */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Calls `listener` right after each streamed content line is written; returns the unsubscribe function. */
  onContent(listener: (request: EngineRequest) => void): () => void;
  close(): Promise<void>;
}

export interface LlamaOllamaServerOptions {
  /** What /api/version reports (default as the scripted server). */
  version?: string;
}

interface State {
  engine: GenerationEngine;
  grammars: FormatGrammars;
  compiled: Map<string, Promise<LlamaGrammar>>;
  tiny: TinyModel;
  details: ModelDescription;
  requests: EngineRequest[];
  active: number;
  loadedUntil: number | undefined;
  waiters: Set<() => void>;
  contentListeners: Set<(request: EngineRequest) => void>;
  version: string;
}

interface ModelDescription {
  sizeBytes: number;
  modifiedAt: string;
  parameterCount: number;
  contextLength: number;
  embeddingLength: number;
  template: string;
}

const FAMILY = "qwen2";

export async function startLlamaOllamaServer(
  options: LlamaOllamaServerOptions = {},
): Promise<LlamaOllamaServer> {
  const [llama, tiny, python, sources] = await Promise.all([
    loadLlama(),
    prepareTinyModel(),
    pythonWithNumpy(),
    llamaCppSources(),
  ]);
  const model = await llama.loadModel({ modelPath: tiny.path, gpuLayers: 0 });
  const state: State = {
    engine: new GenerationEngine(llama, model),
    grammars: new FormatGrammars(python, sources),
    compiled: new Map(),
    tiny,
    details: describeModel(model, tiny),
    requests: [],
    active: 0,
    loadedUntil: undefined,
    waiters: new Set(),
    contentListeners: new Set(),
    version: options.version ?? DEFAULT_VERSION,
  };
  const server = createServer((req, res) => {
    route(state, req, res).catch((error: unknown) => onRouteFailure(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    modelName: tiny.name,
    model: tiny,
    get requests() {
      return state.requests;
    },
    get activeRequests() {
      return state.active;
    },
    get engineBusy() {
      return state.engine.isBusy;
    },
    countPromptTokens(messages, numCtx = OLLAMA_DEFAULTS.numCtx) {
      return state.engine.prompt.fit(messages, numCtx).tokens.length;
    },
    waitForIdle(timeoutMs = 30_000) {
      return waitFor(state, () => state.active === 0 && !state.engine.isBusy, timeoutMs);
    },
    onContent(listener) {
      state.contentListeners.add(listener);
      return () => state.contentListeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await state.engine.whenIdle();
        await state.engine.dispose();
        await model.dispose();
      })();
      return closing;
    },
  };
}

function describeModel(model: LlamaModel, tiny: TinyModel): ModelDescription {
  const stat = statSync(tiny.path);
  const metadata = model.fileInfo.metadata as unknown as {
    qwen2: { context_length: number; embedding_length: number };
    tokenizer: { chat_template: string };
  };
  const parameterCount = (model.fileInfo.tensorInfo ?? []).reduce(
    (sum, t) => sum + t.dimensions.reduce((n: number, d) => n * Number(d), 1),
    0,
  );
  return {
    sizeBytes: stat.size,
    modifiedAt: stat.mtime.toISOString(),
    parameterCount,
    contextLength: metadata.qwen2.context_length,
    embeddingLength: metadata.qwen2.embedding_length,
    template: metadata.tokenizer.chat_template,
  };
}

function waitFor(state: State, ready: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!ready()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`llama Ollama server: still busy after ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      state.waiters.delete(check);
    };
    state.waiters.add(check);
    check();
  });
}

function notify(state: State): void {
  for (const waiter of [...state.waiters]) waiter();
}

// ---------------------------------------------------------------------------------------------------------
// Routing and the read-only endpoints
// ---------------------------------------------------------------------------------------------------------

async function route(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const method = req.method ?? "GET";
  const bodies = { version: state.version, tags: () => [tagsEntry(state)], ps: () => psEntries(state) };
  if ((method === "GET" || method === "HEAD") && answerGet(res, path, method === "HEAD", bodies)) return;
  if (method === "POST" && path === "/api/chat") return handleChat(state, req, res);
  if (method === "POST" && path === "/api/show") return handleShow(state, req, res);
  req.resume();
  sendNotFound(res);
}

function modelDetails(state: State): Record<string, unknown> {
  return {
    parent_model: "",
    format: "gguf",
    family: FAMILY,
    families: [FAMILY],
    parameter_size: `${(state.details.parameterCount / 1e6).toFixed(1)}M`,
    quantization_level: "F16",
  };
}

function tagsEntry(state: State): Record<string, unknown> {
  return {
    name: state.tiny.name,
    model: state.tiny.name,
    modified_at: state.details.modifiedAt,
    size: state.details.sizeBytes,
    digest: digestOf(state.tiny.path),
    details: modelDetails(state),
  };
}

function psEntries(state: State): Record<string, unknown>[] {
  const until = state.loadedUntil;
  const contextLength = state.engine.contextSize;
  if (until === undefined || until <= Date.now() || contextLength === undefined) return [];
  return [
    {
      ...tagsEntry(state),
      expires_at: new Date(until).toISOString(),
      size_vram: 0,
      context_length: contextLength,
    },
  ];
}

async function handleShow(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseJsonObject(await readBody(req));
  if (typeof body === "string") return sendError(res, 400, body);
  const requested = showRequestModel(body);
  if (requested === "") return sendError(res, 400, "model is required");
  if (normalizeModelName(requested) !== state.tiny.name) return sendError(res, 404, showNotFound(requested));
  sendJson(res, 200, {
    modelfile: `# Modelfile generated by "ollama show"\nFROM ${state.tiny.path}\n`,
    parameters: "",
    template: state.details.template,
    details: modelDetails(state),
    model_info: {
      "general.architecture": FAMILY,
      "general.parameter_count": state.details.parameterCount,
      [`${FAMILY}.context_length`]: state.details.contextLength,
      [`${FAMILY}.embedding_length`]: state.details.embeddingLength,
    },
    capabilities: ["completion"],
    modified_at: state.details.modifiedAt,
  });
}

// ---------------------------------------------------------------------------------------------------------
// POST /api/chat
// ---------------------------------------------------------------------------------------------------------

function numberOption(options: Record<string, unknown>, key: string): number | undefined {
  const value = options[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The request's `options` with Ollama's defaults for what it leaves out. */
function samplingOptions(options: Record<string, unknown>): SamplingOptions {
  const stop = Array.isArray(options.stop)
    ? options.stop.filter((s): s is string => typeof s === "string")
    : [];
  return {
    numCtx: numberOption(options, "num_ctx") ?? OLLAMA_DEFAULTS.numCtx,
    numPredict: numberOption(options, "num_predict") ?? OLLAMA_DEFAULTS.numPredict,
    numKeep: numberOption(options, "num_keep"),
    temperature: numberOption(options, "temperature") ?? OLLAMA_DEFAULTS.temperature,
    topK: numberOption(options, "top_k") ?? OLLAMA_DEFAULTS.topK,
    topP: numberOption(options, "top_p") ?? OLLAMA_DEFAULTS.topP,
    minP: numberOption(options, "min_p") ?? OLLAMA_DEFAULTS.minP,
    seed: numberOption(options, "seed"),
    stop,
  };
}

function newRecord(state: State, body: Record<string, unknown>): EngineRequest {
  return {
    id: state.requests.length + 1,
    model: typeof body.model === "string" ? body.model : "",
    messages: toMessages(body.messages),
    format: body.format,
    options: isRecord(body.options) ? body.options : {},
    stream: body.stream !== false,
    grammar: undefined,
    status: undefined,
    error: undefined,
    content: "",
    contentLines: 0,
    result: undefined,
    aborted: false,
    receivedAt: Date.now(),
    finishedAt: undefined,
  };
}

/** Counts the request as active until its response ends or its connection closes, and records how it ended. */
function track(state: State, record: EngineRequest, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  state.requests.push(record);
  state.active += 1;
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    record.finishedAt = Date.now();
    if (!res.writableFinished) {
      record.aborted = true;
      controller.abort();
    }
    state.active -= 1;
    notify(state);
  };
  res.on("close", settle);
  res.on("finish", settle);
  return controller.signal;
}

function fail(record: EngineRequest, res: ServerResponse, status: number, message: string): void {
  record.status = status;
  record.error = message;
  sendError(res, status, message);
}

async function handleChat(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseJsonObject(await readBody(req));
  if (typeof body === "string") return sendError(res, 400, body);
  const record = newRecord(state, body);
  const signal = track(state, record, res);
  if (record.model === "") return fail(record, res, 400, "model is required");
  if (normalizeModelName(record.model) !== state.tiny.name)
    return fail(record, res, 404, modelNotFound(record.model));
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    return fail(record, res, 400, `${state.tiny.name} does not support tools`);
  }
  if (body.think === true) return fail(record, res, 400, `${state.tiny.name} does not support thinking`);
  const keepAlive = keepAliveMs(toKeepAlive(body.keep_alive));
  if (record.messages.length === 0) return answerLoad(state, record, res, keepAlive);

  record.grammar = await state.grammars.forFormat(record.format);
  if (record.grammar.kind === "invalid") return fail(record, res, 500, record.grammar.message);
  let grammar: LlamaGrammar | undefined;
  try {
    grammar = record.grammar.kind === "grammar" ? await compile(state, record.grammar.gbnf) : undefined;
  } catch (error) {
    return fail(record, res, 500, `failed to load grammar: ${(error as Error).message}`);
  }
  await answerChat(state, record, res, { grammar, signal, keepAlive });
}

function compile(state: State, gbnf: string): Promise<LlamaGrammar> {
  let grammar = state.compiled.get(gbnf);
  if (!grammar) {
    grammar = state.engine.llama.createGrammar({ grammar: gbnf });
    state.compiled.set(gbnf, grammar);
  }
  return grammar;
}

/** Ollama's reply to a chat request without messages: it only loads the model. */
function answerLoad(state: State, record: EngineRequest, res: ServerResponse, keepAlive: number): void {
  markLoaded(state, keepAlive);
  record.status = 200;
  sendJson(res, 200, {
    model: record.model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: "" },
    done_reason: "load",
    done: true,
  });
}

function markLoaded(state: State, keepAlive: number): void {
  state.loadedUntil = keepAlive < 0 ? Date.UTC(2318, 0, 1) : Date.now() + keepAlive;
}

function line(record: EngineRequest, content: string, done: boolean): Record<string, unknown> {
  return {
    model: record.model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content },
    done,
  };
}

function doneFields(record: EngineRequest, result: GenerationResult): Record<string, unknown> {
  return {
    done_reason: result.doneReason,
    total_duration: (Date.now() - record.receivedAt) * 1_000_000,
    load_duration: result.loadNs,
    prompt_eval_count: result.promptEvalCount,
    prompt_eval_duration: result.promptEvalNs,
    eval_count: result.evalCount,
    eval_duration: result.evalNs,
  };
}

async function answerChat(
  state: State,
  record: EngineRequest,
  res: ServerResponse,
  run: { grammar: LlamaGrammar | undefined; signal: AbortSignal; keepAlive: number },
): Promise<void> {
  const writeLine = (value: unknown): void => {
    if (!res.destroyed) res.write(`${JSON.stringify(value)}\n`);
  };
  const onText = (piece: string): void => {
    record.content += piece;
    if (!record.stream) return;
    if (!res.headersSent) res.writeHead(200, { "content-type": NDJSON_TYPE });
    record.contentLines += 1;
    writeLine(line(record, piece, false));
    for (const listener of [...state.contentListeners]) listener(record);
  };
  let result: GenerationResult;
  try {
    result = await state.engine.generate({
      messages: record.messages,
      grammar: run.grammar,
      options: samplingOptions(record.options),
      signal: run.signal,
      onText,
    });
  } catch (error) {
    const message = (error as Error).message;
    record.error = message;
    if (res.headersSent) {
      writeLine({ error: message });
      res.end();
    } else {
      fail(record, res, 500, message);
    }
    return;
  } finally {
    // The engine is free again: waitForIdle may be waiting for that rather than for the response.
    queueMicrotask(() => notify(state));
  }
  record.result = result;
  if (result.aborted || res.destroyed) return;
  markLoaded(state, run.keepAlive);
  record.status = 200;
  if (!record.stream) {
    sendJson(res, 200, { ...line(record, record.content, true), ...doneFields(record, result) });
    return;
  }
  if (!res.headersSent) res.writeHead(200, { "content-type": NDJSON_TYPE });
  writeLine({ ...line(record, "", true), ...doneFields(record, result) });
  res.end();
}

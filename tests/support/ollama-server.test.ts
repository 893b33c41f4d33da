import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { ChatOllama, type ChatOllamaInput } from "@langchain/ollama";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  allText,
  estimatePromptTokens,
  lastUserText,
  type OllamaServer,
  type Reply,
  startOllamaServer,
} from "./ollama-server.js";

const Classification = z.object({
  category: z.enum(["invoice", "contract", "resume", "other"]),
  confidence: z.number().min(0).max(1),
  summary: z.string(),
});

const SYSTEM = "Classify the document. Answer in JSON.";
const DOCUMENT = "Rechnung Nr. 2024-17 ... Gesamtbetrag 119,00 EUR";
const MESSAGES: Array<[string, string]> = [
  ["system", SYSTEM],
  ["human", DOCUMENT],
];
const INVOICE = { category: "invoice", confidence: 0.93, summary: "Invoice from ACME" };

let server: OllamaServer;

beforeEach(async () => {
  server = await startOllamaServer();
});

afterEach(async () => {
  await server.close();
});

function chatModel(extra: Partial<ChatOllamaInput> = {}): ChatOllama {
  return new ChatOllama({
    baseUrl: server.url,
    model: "llama3.2",
    numCtx: 8192,
    temperature: 0,
    keepAlive: "10m",
    ...extra,
  });
}

function structured(extra: Partial<ChatOllamaInput> = {}) {
  return chatModel(extra).withStructuredOutput(Classification, { includeRaw: true });
}

/** fetch that really cancels the HTTP request after `ms` (the only way found to do so, doc section 4). */
function fetchWithDeadline(ms: number): typeof fetch {
  return (url, init) =>
    fetch(url, {
      ...init,
      signal: AbortSignal.any(
        [init?.signal, AbortSignal.timeout(ms)].filter((s): s is AbortSignal => s != null),
      ),
    });
}

function asAIMessage(message: BaseMessage): AIMessage {
  if (!AIMessage.isInstance(message)) throw new Error(`expected an AIMessage, got ${message.type}`);
  return message;
}

async function postChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/api/chat`, { method: "POST", body: JSON.stringify(body) });
}

describe("ollama test server with the real ChatOllama client", () => {
  it("answers structured output and reports usage", async () => {
    server.enqueue({ kind: "json", value: INVOICE, promptEvalCount: 1843, evalCount: 38, chunks: 3 });

    const { raw, parsed } = await structured().invoke(MESSAGES);

    expect(parsed).toEqual(INVOICE);
    const message = asAIMessage(raw);
    expect(message.usage_metadata).toMatchObject({
      input_tokens: 1843,
      output_tokens: 38,
      total_tokens: 1881,
    });
    expect(message.response_metadata).toMatchObject({
      done: true,
      done_reason: "stop",
      prompt_eval_count: 1843,
      eval_count: 38,
      model_provider: "ollama",
    });
    expect(Number.isInteger(message.response_metadata.total_duration)).toBe(true);
  });

  it("records what the client sent", async () => {
    server.enqueue({ kind: "json", value: INVOICE });

    await structured().invoke(MESSAGES);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    if (req === undefined) throw new Error("no request recorded");
    expect(req.model).toBe("llama3.2");
    expect(req.stream).toBe(true);
    expect(req.keep_alive).toBe("10m");
    expect(req.options).toMatchObject({ num_ctx: 8192, temperature: 0 });
    expect(req.format).toMatchObject({
      type: "object",
      properties: { category: { type: "string", enum: ["invoice", "contract", "resume", "other"] } },
      required: ["category", "confidence", "summary"],
    });
    expect(req.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(lastUserText(req)).toBe(DOCUMENT);
    expect(allText(req)).toBe(`${SYSTEM}\n${DOCUMENT}`);
    expect(req.headers["user-agent"]).toMatch(/^ollama-js\//);
    expect(req.aborted).toBe(false);
    expect(req.finishedAt).toBeGreaterThanOrEqual(req.receivedAt);
  });

  it("estimates prompt_eval_count from the message lengths by default", async () => {
    server.enqueue({ kind: "json", value: INVOICE });

    const { raw } = await structured().invoke(MESSAGES);

    const expected = Math.ceil((SYSTEM.length + DOCUMENT.length) / 4);
    expect(asAIMessage(raw).usage_metadata?.input_tokens).toBe(expected);
  });

  it("simulates Ollama's prompt truncation when asked", async () => {
    await server.close();
    server = await startOllamaServer({ simulateTruncation: true });
    server.enqueue({ kind: "json", value: INVOICE }, { kind: "json", value: INVOICE });
    const longDocument = "Lorem ipsum dolor sit amet. ".repeat(100);

    const small = await structured({ numCtx: 100 }).invoke([["human", "short"]]);
    const big = await structured({ numCtx: 100 }).invoke([["human", longDocument]]);

    expect(asAIMessage(small.raw).usage_metadata?.input_tokens).toBe(2);
    const [, bigReq] = server.requests;
    if (bigReq === undefined) throw new Error("no request recorded");
    expect(estimatePromptTokens(bigReq.messages)).toBeGreaterThan(100);
    // Ollama >= 0.30 keeps num_ctx - floor((num_ctx - keep) / 2) tokens, keep = num_keep(4) + BOS.
    expect(asAIMessage(big.raw).usage_metadata?.input_tokens).toBe(100 - Math.floor(95 / 2));
  });

  it("answers functionCalling with tool_calls arguments as an object", async () => {
    server.enqueue({ kind: "tool", args: INVOICE });
    const chain = chatModel().withStructuredOutput(Classification, { method: "functionCalling" });

    await expect(chain.invoke(MESSAGES)).resolves.toEqual(INVOICE);

    const [req] = server.requests;
    expect(req?.format).toBeUndefined();
    expect(req?.tools).toMatchObject([{ type: "function", function: { name: "extract" } }]);
  });

  it("uses the responder when the queue is empty and lets it see the request", async () => {
    server.script((req) => ({ kind: "json", value: { ...INVOICE, summary: lastUserText(req) } }));

    const { parsed } = await structured().invoke([["human", "echo me"]]);

    expect(parsed?.summary).toBe("echo me");
  });
});

describe("errors as the client sees them", () => {
  it("answers 404 for an unknown model without consuming the queue", async () => {
    server.enqueue({ kind: "json", value: INVOICE });

    const error = await structured({ model: "mistral" })
      .invoke(MESSAGES)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: "ResponseError",
      status_code: 404,
      message: 'model "mistral" not found, try pulling it first',
    });
    expect(server.requests.map((r) => r.model)).toEqual(["mistral"]);
    await expect(structured().invoke(MESSAGES)).resolves.toMatchObject({ parsed: INVOICE });
  });

  it("accepts both x and x:latest", async () => {
    server.setModels(["qwen2.5:7b", "llama3.2"]);
    server.enqueue({ kind: "json", value: INVOICE }, { kind: "json", value: INVOICE });

    await expect(structured({ model: "llama3.2:latest" }).invoke(MESSAGES)).resolves.toMatchObject({
      parsed: INVOICE,
    });
    await expect(structured({ model: "qwen2.5:7b" }).invoke(MESSAGES)).resolves.toMatchObject({
      parsed: INVOICE,
    });
    await expect(structured({ model: "qwen2.5" }).invoke(MESSAGES)).rejects.toMatchObject({
      status_code: 404,
    });
  });

  it("surfaces an HTTP 500 as ResponseError", async () => {
    server.enqueue({ kind: "error", status: 500, message: "llama runner process has terminated" });

    await expect(structured().invoke(MESSAGES)).rejects.toMatchObject({
      name: "ResponseError",
      status_code: 500,
      message: "llama runner process has terminated",
    });
  });

  it("fails loudly when nothing was scripted", async () => {
    await expect(structured().invoke(MESSAGES)).rejects.toMatchObject({
      status_code: 500,
      message: "no reply scripted for this request",
    });
  });

  it("rejects on an error line in the middle of the stream", async () => {
    server.enqueue({
      kind: "stream-error",
      message: "an error was encountered while running the model",
      afterChunks: 2,
    });

    await expect(structured().invoke(MESSAGES)).rejects.toThrow(
      "an error was encountered while running the model",
    );
  });

  it("rejects when the stream ends without a done line", async () => {
    server.enqueue({ kind: "no-done", content: JSON.stringify(INVOICE) });

    await expect(structured().invoke(MESSAGES)).rejects.toThrow("Did not receive done");
  });

  it("gives parsed === null for invalid JSON with includeRaw", async () => {
    server.enqueue({ kind: "text", content: 'Here you go: {"category": "invoice"' });

    const { raw, parsed } = await structured().invoke(MESSAGES);

    expect(parsed).toBeNull();
    expect(raw.content).toBe('Here you go: {"category": "invoice"');
  });
});

describe("hanging requests, cancellation and concurrency", () => {
  it("records an abort when a custom fetch gives up on a hanging request", async () => {
    server.enqueue({ kind: "hang" });
    const started = Date.now();

    // The custom fetch's own signal fires, so the client rejects with a DOMException named TimeoutError.
    await expect(structured({ fetch: fetchWithDeadline(300) }).invoke(MESSAGES)).rejects.toMatchObject({
      name: "TimeoutError",
    });

    expect(Date.now() - started).toBeLessThan(2000);
    await server.waitForIdle();
    expect(server.activeRequests).toBe(0);
    expect(server.requests[0]?.aborted).toBe(true);
  });

  it("releases hanging requests on close", async () => {
    server.enqueue({ kind: "hang" });
    const pending = postChat({ model: "llama3.2", messages: [] }).catch((e: unknown) => e);
    await server.waitForRequests(1);
    expect(server.activeRequests).toBe(1);

    await server.close();

    expect(await pending).toBeInstanceOf(TypeError);
    expect(server.requests[0]?.aborted).toBe(true);
    expect(server.activeRequests).toBe(0);
  });

  it("serves parallel requests and reports the peak", async () => {
    server.script((req) => ({
      kind: "json",
      value: { ...INVOICE, summary: lastUserText(req) },
      latencyMs: 150,
    }));
    const chain = structured();

    const results = await Promise.all([chain.invoke([["human", "one"]]), chain.invoke([["human", "two"]])]);

    expect(results.map((r) => r.parsed?.summary)).toEqual(["one", "two"]);
    expect(server.maxConcurrent).toBe(2);
    expect(server.activeRequests).toBe(0);
  });
});

describe("wire format and other endpoints via plain fetch", () => {
  it("streams NDJSON with integer-nanosecond counters in the done line", async () => {
    server.enqueue({ kind: "json", value: INVOICE, chunks: 3, promptEvalCount: 10, evalCount: 5 });

    const res = await postChat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] });

    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l): unknown => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((l) => (l as { done: boolean }).done === false)).toBe(true);
    const done = lines[3] as Record<string, unknown>;
    expect(done).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 10, eval_count: 5 });
    for (const key of ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"]) {
      expect(Number.isInteger(done[key]), key).toBe(true);
    }
  });

  it("honours stream: false", async () => {
    server.enqueue({ kind: "json", value: INVOICE });

    const res = await postChat({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      stream: false,
    });

    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { done: boolean; message: { role: string; content: string } };
    expect(body.done).toBe(true);
    expect(body.message).toEqual({ role: "assistant", content: JSON.stringify(INVOICE) });
    expect(server.requests[0]?.stream).toBe(false);
  });

  it("serves /, /api/version, /api/tags, /api/show, /api/ps and 404s", async () => {
    const root = await fetch(`${server.url}/`);
    expect(await root.text()).toBe("Ollama is running");
    expect((await fetch(`${server.url}/`, { method: "HEAD" })).status).toBe(200);
    expect(await (await fetch(`${server.url}/api/version`)).json()).toEqual({ version: "0.12.3" });

    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: unknown[] };
    expect(tags.models).toEqual([
      expect.objectContaining({
        name: "llama3.2:latest",
        model: "llama3.2:latest",
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
        details: expect.objectContaining({ family: "llama", format: "gguf" }),
      }),
    ]);

    const show = await fetch(`${server.url}/api/show`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2" }),
    });
    expect(await show.json()).toMatchObject({
      model_info: { "llama.context_length": 131072 },
      capabilities: expect.arrayContaining(["completion"]),
    });
    const missing = await fetch(`${server.url}/api/show`, {
      method: "POST",
      body: JSON.stringify({ model: "nope" }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toHaveProperty("error");

    expect(await (await fetch(`${server.url}/api/ps`)).json()).toEqual({ models: [] });
    server.enqueue({ kind: "json", value: INVOICE });
    await structured().invoke(MESSAGES);
    const ps = (await (await fetch(`${server.url}/api/ps`)).json()) as { models: unknown[] };
    expect(ps.models).toEqual([expect.objectContaining({ name: "llama3.2:latest", context_length: 8192 })]);

    const unknown = await fetch(`${server.url}/api/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("404 page not found");
  });

  it("queues replies in order before the responder", async () => {
    const replies: Reply[] = [
      { kind: "json", value: { n: 1 } },
      { kind: "text", content: "second" },
    ];
    server.enqueue(...replies);
    server.script(() => ({ kind: "text", content: "fallback" }));
    const llm = chatModel();

    const contents = [];
    for (let i = 0; i < 3; i++) contents.push((await llm.invoke("hi")).content);

    expect(contents).toEqual(['{"n":1}', "second", "fallback"]);
  });
});

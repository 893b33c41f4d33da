import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmClassifier } from "../../src/classify/llm-classifier.js";
import { ModelCallError } from "../../src/classify/model-errors.js";
import { checkModelHealth } from "../../src/classify/ollama-health.js";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import type { EngineRequest, LlamaOllamaServer } from "../support/llama-ollama-server.js";
import {
  checkRealEngine,
  MODEL_TEST_TIMEOUT_MS,
  realEngineTitle,
  START_TIMEOUT_MS,
  startRealEngineServer,
} from "../support/real-engine.js";
import { testConfig } from "../support/test-config.js";

/** The real engine behind the Ollama endpoints docsort uses: what the scripted server can only pretend. */
const gate = await checkRealEngine();

interface StreamLine {
  model?: string;
  message?: { role: string; content: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
  error?: string;
}

/** docsort's num_ctx: another value would make the engine recreate its context, as Ollama reloads the model. */
const NUM_CTX = 8192;
const messages = [
  { role: "system", content: "Answer in JSON." },
  { role: "user", content: "Rechnung Nr. 2024-17, Gesamtbetrag 119,00 EUR" },
];
const answerSchema = {
  type: "object",
  properties: { answer: { type: "string" }, amount: { type: "number" } },
  required: ["answer", "amount"],
  additionalProperties: false,
};

describe.skipIf(!gate.ok)(
  realEngineTitle("the llama.cpp server speaks Ollama's protocol", gate),
  { timeout: MODEL_TEST_TIMEOUT_MS },
  () => {
    let server: LlamaOllamaServer;

    beforeAll(async () => {
      server = await startRealEngineServer();
    }, START_TIMEOUT_MS);
    afterAll(async () => server?.close());

    const chat = (body: unknown, signal?: AbortSignal) =>
      fetch(`${server.url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    const lines = (text: string): StreamLine[] =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as StreamLine);
    const classifierFor = (name: string) => {
      const config = testConfig({ model: { host: server.url, name, maxRetries: 0 } });
      return new LlmClassifier({
        model: config.model,
        categories: config.taxonomy,
        prompt: loadPromptTemplate(config.prompts, "classify"),
      });
    };
    const last = (): EngineRequest => {
      const request = server.requests.at(-1);
      if (!request) throw new Error("no request was recorded");
      return request;
    };

    it("lists, shows and versions the model, so docsort's health check passes", async () => {
      const health = await checkModelHealth(
        testConfig({ model: { host: server.url, name: "tiny-qwen2" } }).model,
      );
      expect(health).toEqual({ ok: true, version: "0.12.3", model: "tiny-qwen2" });
      const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: { name: string }[] };
      expect(tags.models.map((m) => m.name)).toEqual(["tiny-qwen2:latest"]);
      const show = await fetch(`${server.url}/api/show`, { method: "POST", body: '{"model":"tiny-qwen2"}' });
      const shown = (await show.json()) as { template: string; model_info: Record<string, unknown> };
      expect(shown.template).toContain("<|im_start|>");
      expect(shown.model_info["qwen2.context_length"]).toBe(32768);
      const unknown = await fetch(`${server.url}/api/show`, { method: "POST", body: '{"model":"nope"}' });
      expect([unknown.status, await unknown.json()]).toEqual([404, { error: "model 'nope' not found" }]);
    });

    it("streams NDJSON token by token, then a done line whose counters are the engine's", async () => {
      const body = {
        model: "tiny-qwen2",
        messages,
        format: answerSchema,
        options: { num_ctx: NUM_CTX, temperature: 0, num_predict: 200 },
        stream: true,
      };
      const response = await chat(body);
      expect(response.headers.get("content-type")).toBe("application/x-ndjson");
      const streamed = lines(await response.text());
      const done = streamed.at(-1);
      const pieces = streamed.slice(0, -1);
      expect(done).toMatchObject({ done: true, done_reason: "stop", message: { content: "" } });
      expect(pieces.length).toBeGreaterThan(5);
      expect(pieces.every((p) => p.done === false && (p.message?.content ?? "") !== "")).toBe(true);
      expect(pieces.length).toBeLessThanOrEqual(done?.eval_count ?? 0);
      expect(done?.prompt_eval_count).toBe(server.countPromptTokens(messages, NUM_CTX));
      for (const key of ["total_duration", "prompt_eval_duration", "eval_duration"] as const) {
        expect(Number.isInteger(done?.[key]), key).toBe(true);
      }
      const content = pieces.map((p) => p.message?.content).join("");
      const value = JSON.parse(content) as Record<string, unknown>;
      expect(Object.keys(value)).toEqual(["answer", "amount"]);
      expect([typeof value.answer, typeof value.amount]).toEqual(["string", "number"]);

      const ps = (await (await fetch(`${server.url}/api/ps`)).json()) as {
        models: Record<string, unknown>[];
      };
      expect(ps.models).toMatchObject([{ name: "tiny-qwen2:latest", context_length: NUM_CTX }]);

      const whole = (await (await chat({ ...body, stream: false })).json()) as StreamLine;
      expect(whole).toMatchObject({ done: true, message: { role: "assistant", content } });
      expect(whole.eval_count).toBe(done?.eval_count);
    });

    it('format "json" uses the JSON grammar; no format leaves the text free', async () => {
      const json = (await (
        await chat({
          model: "tiny-qwen2",
          messages,
          format: "json",
          stream: false,
          options: { num_ctx: NUM_CTX, num_predict: 30 },
        })
      ).json()) as StreamLine;
      expect(last().grammar).toMatchObject({ kind: "grammar", source: "json" });
      expect(json.message?.content.trimStart().startsWith("{")).toBe(true);
      if (json.done_reason === "stop") expect(() => JSON.parse(json.message?.content ?? "")).not.toThrow();
      await chat({
        model: "tiny-qwen2",
        messages,
        stream: false,
        options: { num_ctx: NUM_CTX, num_predict: 5 },
      });
      expect(last()).toMatchObject({
        grammar: { kind: "none" },
        result: { evalCount: 5, doneReason: "length" },
      });
    });

    it.each([
      ["no model", { messages }, 400, "model is required"],
      ["an unknown model", { model: "nope", messages }, 404, 'model "nope" not found, try pulling it first'],
      [
        "a schema llama.cpp cannot convert",
        {
          model: "tiny-qwen2",
          messages,
          format: { type: "object", properties: { a: { $ref: "#/nowhere" } } },
        },
        500,
        "invalid JSON schema in format",
      ],
      [
        "a format that is neither",
        { model: "tiny-qwen2", messages, format: "yaml" },
        500,
        'invalid format: "\\"yaml\\""; expected "json" or a valid JSON Schema object',
      ],
      [
        "tools",
        { model: "tiny-qwen2", messages, tools: [{ type: "function", function: { name: "extract" } }] },
        400,
        "tiny-qwen2:latest does not support tools",
      ],
      [
        "thinking",
        { model: "tiny-qwen2", messages, think: true },
        400,
        "tiny-qwen2:latest does not support thinking",
      ],
    ])("answers %s the way Ollama words it", async (_, body, status, error) => {
      const response = await chat(body);
      expect([response.status, await response.json()]).toEqual([status, { error }]);
    });

    it("a request without messages only loads the model, as Ollama does", async () => {
      const response = await chat({ model: "tiny-qwen2", messages: [] });
      expect(await response.json()).toMatchObject({
        done: true,
        done_reason: "load",
        message: { content: "" },
      });
    });

    it("docsort treats a model the server does not have as unavailable, with the pull command", async () => {
      const classifier = classifierFor("llama3.2");
      const error = await classifier.classify({ text: "Invoice 17", name: "a.txt" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelCallError);
      expect(error).toMatchObject({ kind: "unavailable" });
      expect((error as Error).message).toContain("ollama pull llama3.2");
    });

    it("a client that goes away mid-stream stops the generation and frees the engine", async () => {
      const controller = new AbortController();
      const stop = server.onContent(() => controller.abort());
      const response = await chat(
        { model: "tiny-qwen2", messages, options: { num_ctx: NUM_CTX, num_predict: -1, temperature: 0 } },
        controller.signal,
      )
        .then((r) => r.text())
        .catch((e: unknown) => e);
      stop();
      expect(response).toMatchObject({ name: "AbortError" });
      await server.waitForIdle();
      const aborted = last();
      expect(aborted.aborted).toBe(true);
      // Unbounded, it would have run to the end of the window.
      expect(aborted.result).toMatchObject({ aborted: true });
      expect(aborted.result?.evalCount).toBeLessThan(100);
      expect(server.engineBusy).toBe(false);

      const next = (await (
        await chat({
          model: "tiny-qwen2",
          messages,
          stream: false,
          options: { num_ctx: NUM_CTX, num_predict: 3 },
        })
      ).json()) as StreamLine;
      expect(next).toMatchObject({ done: true, eval_count: 3 });
    });

    it("a request still waiting for the engine when its client leaves is dropped without generating", async () => {
      const first = new AbortController();
      const second = new AbortController();
      // Once the second request waits behind the first, its client leaves; then the first one's client leaves too.
      const stop = server.onContent((request) => {
        if (server.requests.length < 2 || request.id !== server.requests.length - 1) return;
        if (!second.signal.aborted) second.abort();
        else if (server.activeRequests === 1) first.abort();
      });
      const long = chat(
        { model: "tiny-qwen2", messages, options: { num_ctx: NUM_CTX, num_predict: -1 } },
        first.signal,
      )
        .then((r) => r.text())
        .catch(() => "aborted");
      const queued = chat(
        { model: "tiny-qwen2", messages, options: { num_ctx: NUM_CTX, num_predict: 5 } },
        second.signal,
      )
        .then((r) => r.text())
        .catch(() => "aborted");
      expect(await Promise.all([long, queued])).toEqual(["aborted", "aborted"]);
      stop();
      await server.waitForIdle();
      const [generating, waiting] = server.requests.slice(-2);
      expect(generating?.result).toMatchObject({ aborted: true });
      expect(waiting?.result).toMatchObject({ aborted: true, evalCount: 0 });
    });

    it("docsort's own cancellation closes the stream and frees the engine", async () => {
      const classifier = classifierFor("tiny-qwen2");
      const controller = new AbortController();
      const stop = server.onContent(() => controller.abort());
      const error = await classifier
        .classify({ text: "Invoice 17, total 119.00 EUR", name: "a.txt" }, controller.signal)
        .catch((e: unknown) => e);
      stop();
      expect(error).toBeInstanceOf(ModelCallError);
      expect(error).toMatchObject({ kind: "cancelled" });
      await server.waitForIdle();
      expect(last()).toMatchObject({ aborted: true, result: { aborted: true } });
      expect(last().contentLines).toBeLessThan(5);
    });
  },
);

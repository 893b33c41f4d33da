import type { AIMessage } from "@langchain/core/messages";
import { ChatOllama } from "@langchain/ollama";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { schemaAnswerModel, sentDocument } from "../../bench/emulator/answer-model.js";
import { keywordClassifier } from "../../bench/emulator/keyword-classifier.js";
import { commonPrefix, encodeText, promptTokens } from "../../bench/emulator/llama3-tokens.js";
import {
  type EmulatorOptions,
  type OllamaEmulator,
  startEmulator,
} from "../../bench/emulator/ollama-emulator.js";

const Classification = z.object({
  category: z.enum(["invoice", "letter", "other"]),
  confidence: z.number().min(0).max(1),
  summary: z.string(),
  evidence: z.string(),
});

const SYSTEM = "You classify documents into invoice, letter or other. Answer with JSON only.";
const INVOICE =
  "<document>\nInvoice 2024-17\nBill to: ACME Ltd\nAmount due: 119.00 EUR, VAT included\n</document>";
const LETTER = "<document>\nDear Ms Weber,\nwe are writing about your account.\nKind regards\n</document>";

let emulator: OllamaEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<EmulatorOptions> = {}): Promise<OllamaEmulator> {
  emulator = await startEmulator({ answer: schemaAnswerModel(keywordClassifier), ...options });
  return emulator;
}

function client(url: string, extra: { numPredict?: number; signal?: AbortSignal } = {}) {
  const llm = new ChatOllama({
    baseUrl: url,
    model: "llama3.2",
    temperature: 0,
    ...(extra.numPredict ? { numPredict: extra.numPredict } : {}),
  });
  return llm.withStructuredOutput(Classification, { includeRaw: true });
}

type Messages = Array<[string, string]>;
const messages = (user: string): Messages => [
  ["system", SYSTEM],
  ["human", user],
];

interface DoneFields {
  prompt_eval_count: number;
  prompt_eval_cached_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
  total_duration: number;
  done_reason: string;
}

async function postChat(url: string, body: Record<string, unknown>): Promise<string[]> {
  const response = await fetch(`${url}/api/chat`, { method: "POST", body: JSON.stringify(body) });
  const text = await response.text();
  return text.split("\n").filter((line) => line.length > 0);
}

const FORMAT = z.toJSONSchema(Classification);

describe("Ollama emulator", () => {
  it("answers the real ChatOllama client with the classifier's verdict on the text it was sent", async () => {
    const server = await start();
    const { parsed, raw } = await client(server.url).invoke(messages(INVOICE));
    expect(parsed.category).toBe("invoice");
    expect(parsed.evidence.toLowerCase()).toContain("invoice 2024-17");
    const letter = await client(server.url).invoke(messages(LETTER));
    expect(letter.parsed.category).toBe("letter");
    expect((raw as AIMessage).usage_metadata?.input_tokens).toBe(server.calls[0]?.evaluatedTokens);
  });

  it("counts prompt tokens with the Llama 3 vocabulary and the chat template", async () => {
    expect(encodeText("Hello world")).toEqual([9906, 1917]);
    const server = await start();
    await client(server.url).invoke(messages(INVOICE));
    const expected = 1 + (5 + encodeText(SYSTEM).length) + (5 + encodeText(INVOICE).length) + 4; // BOS, 2 messages, header
    expect(server.calls[0]?.promptTokens).toBe(expected);
    expect(promptTokens([{ role: "user", content: INVOICE }]).length).toBe(
      1 + 5 + encodeText(INVOICE).length + 4,
    );
  });

  it("queues requests beyond the parallel slots in arrival order", async () => {
    const server = await start({ parallel: 2, latencyMs: 150 });
    const bodies = [INVOICE, LETTER, INVOICE, LETTER].map((user, i) => `${user} #${i}`);
    await Promise.all(bodies.map((user) => client(server.url).invoke(messages(user))));
    const calls = [...server.calls];
    expect(calls).toHaveLength(4);
    const [first, second, third, fourth] = calls;
    const firstTwoEnd = Math.min(first?.finishedAt ?? 0, second?.finishedAt ?? 0);
    // the third and fourth only got a slot once one of the first two had released it
    expect(third?.startedAt).toBeGreaterThanOrEqual(firstTwoEnd);
    expect(fourth?.startedAt).toBeGreaterThanOrEqual(firstTwoEnd);
    const edges = calls.flatMap((c) => [
      { at: c.startedAt ?? 0, delta: 1 },
      { at: c.finishedAt ?? 0, delta: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let active = 0;
    let peak = 0;
    for (const edge of edges) {
      active += edge.delta;
      peak = Math.max(peak, active);
    }
    expect(peak).toBe(2);
  });

  it("charges only the tokens after the prefix the slot still holds, and reports the cached part", async () => {
    const server = await start({ parallel: 1 });
    const first = await postChat(server.url, {
      model: "llama3.2",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: INVOICE },
      ],
      format: FORMAT,
      stream: false,
    });
    const second = await postChat(server.url, {
      model: "llama3.2",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: LETTER },
      ],
      format: FORMAT,
      stream: false,
    });
    const a = JSON.parse(first[0] ?? "{}") as DoneFields;
    const b = JSON.parse(second[0] ?? "{}") as DoneFields;
    expect(a.prompt_eval_cached_count).toBe(0);
    expect(a.prompt_eval_count).toBe(server.calls[0]?.promptTokens);
    const sharedPrefix =
      1 + 5 + encodeText(SYSTEM).length + 4 + commonPrefix(encodeText(INVOICE), encodeText(LETTER)); // BOS, system, user header, "<document>"
    expect(b.prompt_eval_cached_count).toBe(sharedPrefix);
    expect(b.prompt_eval_count).toBe((server.calls[1]?.promptTokens ?? 0) - sharedPrefix);
    expect(server.calls[1]?.computeMs).toBeCloseTo(b.prompt_eval_count * 0.5 + b.eval_count * 2.5, 6);
  });

  it("gives a request the free slot sharing the longest prefix, and evaluates at least one token", async () => {
    const server = await start({ parallel: 2 });
    await client(server.url).invoke([["human", "unrelated text about nothing"]]);
    await client(server.url).invoke(messages(INVOICE));
    await client(server.url).invoke(messages(INVOICE));
    const [, invoice, again] = server.calls;
    expect(again?.slot).toBe(invoice?.slot);
    expect(again?.cachedTokens).toBe((again?.promptTokens ?? 0) - 1);
    expect(again?.evaluatedTokens).toBe(1);
  });

  it("reuses nothing with the prefix cache off", async () => {
    const server = await start({ prefixCache: false });
    await client(server.url).invoke(messages(INVOICE));
    await client(server.url).invoke(messages(INVOICE));
    expect(server.calls.map((c) => c.cachedTokens)).toEqual([0, 0]);
  });

  it("reports Ollama's timing fields from the token costs", async () => {
    const server = await start({ promptTokenMs: 0.25, outputTokenMs: 1, latencyMs: 20 });
    const lines = await postChat(server.url, {
      model: "llama3.2",
      messages: [{ role: "user", content: INVOICE }],
      format: FORMAT,
      stream: false,
    });
    const done = JSON.parse(lines[0] ?? "{}") as DoneFields;
    expect(done.prompt_eval_duration).toBe(Math.round(done.prompt_eval_count * 0.25 * 1e6));
    expect(done.eval_duration).toBe(Math.round(done.eval_count * 1e6));
    expect(Number.isInteger(done.total_duration)).toBe(true);
    expect(done.total_duration).toBeGreaterThan(done.prompt_eval_duration + done.eval_duration);
    expect(done.done_reason).toBe("stop");
  });

  it("streams the answer in several NDJSON lines before the done line", async () => {
    const server = await start({ chunks: 3 });
    const lines = await postChat(server.url, {
      model: "llama3.2",
      messages: [{ role: "user", content: LETTER }],
      format: FORMAT,
    });
    const parsedLines = lines.map((l) => JSON.parse(l) as { done: boolean; message: { content: string } });
    expect(parsedLines.filter((l) => !l.done)).toHaveLength(3);
    expect(parsedLines.at(-1)?.done).toBe(true);
    const content = parsedLines.map((l) => l.message.content).join("");
    expect(Classification.parse(JSON.parse(content)).category).toBe("letter");

    const chunks: string[] = [];
    const llm = new ChatOllama({ baseUrl: server.url, model: "llama3.2" });
    for await (const chunk of await llm.stream([["human", LETTER]], { format: FORMAT })) {
      chunks.push(String(chunk.content));
    }
    expect(chunks.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it("cuts the answer at num_predict with done_reason length, and honours maxLength", async () => {
    const server = await start();
    const short = z.object({ category: z.enum(["invoice", "letter", "other"]), summary: z.string().max(12) });
    const lines = await postChat(server.url, {
      model: "llama3.2",
      messages: [{ role: "user", content: LETTER }],
      format: z.toJSONSchema(short),
      stream: false,
    });
    const answer = JSON.parse(
      (JSON.parse(lines[0] ?? "{}") as { message: { content: string } }).message.content,
    );
    expect(Object.keys(answer)).toEqual(["category", "summary"]);
    expect(answer.summary.length).toBeLessThanOrEqual(12);

    const cut = await postChat(server.url, {
      model: "llama3.2",
      messages: [{ role: "user", content: LETTER }],
      format: FORMAT,
      options: { num_predict: 5 },
      stream: false,
    });
    const done = JSON.parse(cut[0] ?? "{}") as DoneFields;
    expect(done.done_reason).toBe("length");
    expect(done.eval_count).toBe(5);
  });

  it("drops a request whose client goes away while it waits for a slot", async () => {
    const server = await start({ parallel: 1, latencyMs: 400 });
    const busy = client(server.url).invoke(messages(INVOICE));
    await waitUntil(() => server.calls.length === 1);
    const controller = new AbortController();
    const llm = new ChatOllama({
      baseUrl: server.url,
      model: "llama3.2",
      fetch: (input, init) => fetch(input, { ...init, signal: controller.signal }),
    }).withStructuredOutput(Classification);
    const waiting = llm.invoke(messages(LETTER)).catch((error: unknown) => error);
    await waitUntil(() => server.calls.length === 2 && server.waiting === 1);
    controller.abort();
    await waiting;
    await busy;
    await server.waitForFinished(2);
    expect(server.calls[1]?.status).toBe("aborted");
    expect(server.calls[1]?.startedAt).toBeUndefined();
    expect(server.waiting).toBe(0);
  });

  it("cuts a prompt longer than num_ctx like Ollama, and the model only sees what is left", async () => {
    const server = await start();
    const long = `<document>\nDear Ms Weber,\n${"the figures refer to the period. ".repeat(300)}\nSee the invoice, amount due.\n</document>`;
    const lines = await postChat(server.url, {
      model: "llama3.2",
      messages: [{ role: "user", content: long }],
      format: FORMAT,
      options: { num_ctx: 512 },
      stream: false,
    });
    const done = JSON.parse(lines[0] ?? "{}") as DoneFields & { message: { content: string } };
    const call = server.calls[0];
    expect(call?.truncatedFrom).toBeGreaterThan(512);
    expect(call?.promptTokens).toBe(512 - Math.floor((512 - 5) / 2));
    expect(done.prompt_eval_count).toBe(call?.promptTokens);
    // the letter's greeting was cut away; only the invoice words at the end were seen
    expect(JSON.parse(done.message.content).category).toBe("invoice");
  });

  it("answers 404 for a model it does not have", async () => {
    const server = await start();
    const response = await fetch(`${server.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "mistral", messages: [] }),
    });
    expect(response.status).toBe(404);
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((m) => m.name)).toEqual(["llama3.2:latest"]);
  });

  it("classifies only the document text that was sent", () => {
    expect(sentDocument([{ role: "user", content: `File x\n${INVOICE}\nReminder` }])).toContain(
      "Invoice 2024-17",
    );
    const cut = keywordClassifier("Dear Ms Weber, please find our", ["invoice", "letter", "other"]);
    expect(cut.category).toBe("letter");
    expect(keywordClassifier("nothing to see", ["invoice", "letter", "other"]).category).toBe("other");
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ANSWER_MAX_TOKENS } from "../../src/classify/classification-schema.js";
import { LlmClassifier } from "../../src/classify/llm-classifier.js";
import { InvalidModelOutputError } from "../../src/classify/model-errors.js";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import { createTokenCalibration, type TokenCalibration } from "../../src/classify/token-calibration.js";
import { estimateTokens } from "../../src/classify/token-estimate.js";
import {
  type ChatMessage,
  cutReply,
  type OllamaServer,
  type OllamaServerOptions,
  proseReply,
  type RecordedRequest,
  type Reply,
  startOllamaServer,
} from "../support/ollama-server.js";
import { testConfig } from "../support/test-config.js";

/**
 * What Ollama does at its limits, and what docsort makes of it: prompts over num_ctx (cut silently, reported by
 * prompt_eval_count), answers over num_predict (done_reason "length"), JSON after prose with braces.
 */

const servers: OllamaServer[] = [];
async function server(options: OllamaServerOptions = {}): Promise<OllamaServer> {
  const started = await startOllamaServer(options);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const STATEMENT = readFileSync(
  new URL("../fixtures/field-reports-1/07-digit-dense-statement.csv", import.meta.url),
  "utf8",
);

function classifier(host: string, calibration: TokenCalibration, model: Record<string, unknown> = {}) {
  const config = testConfig({ model: { host, ...model } });
  return new LlmClassifier({
    model: config.model,
    categories: config.taxonomy,
    prompt: loadPromptTemplate(config.prompts, "classify"),
    calibration,
    retryDelayMs: 10,
  });
}

/** A tokenizer `times` as dense as docsort's estimate. */
const denser = (times: number) => (messages: ChatMessage[]) =>
  Math.ceil(estimateTokens(messages.map((m) => m.content).join("\n")) * times);

/** A model that answers right only when it saw the whole prompt, like the field report's. */
const statementModel = (request: RecordedRequest): Reply => ({
  kind: "json",
  value: request.promptTruncated
    ? { category: "other", confidence: 0.6, summary: "numbers", evidence: "" }
    : { category: "bank_statement", confidence: 0.92, summary: "A statement", evidence: "Kontoauszug" },
});

describe("prompt size against num_ctx", () => {
  it("the digit-dense statement fits num_ctx as Ollama counts it, at the first try", async () => {
    const ollama = await server({
      simulateTruncation: true,
      countTokens: denser(1),
      responder: statementModel,
    });
    const result = await classifier(ollama.url, createTokenCalibration()).classify({
      text: STATEMENT,
      name: "statement.csv",
    });
    expect(result.category).toBe("bank_statement");
    expect(ollama.requests).toHaveLength(1);
    expect(ollama.requests[0]?.promptTokens).toBeLessThan(8192);
    expect(result.truncated).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("a count above the estimate corrects the model's factor and is flagged on the document", async () => {
    const ollama = await server({
      simulateTruncation: true,
      countTokens: denser(1.08),
      responder: statementModel,
    });
    const calibration = createTokenCalibration();
    const result = await classifier(ollama.url, calibration).classify({ text: STATEMENT, name: "s.csv" });
    expect(result.category).toBe("bank_statement");
    expect(result.warnings.join()).toMatch(
      /Ollama counted \d+ prompt tokens where docsort estimated \d+.*raised ×1 → ×1\.0\d/,
    );
    expect(calibration.factor("llama3.2")).toBeGreaterThan(1.05);
    // the next prompt is fitted with the corrected estimate: no disagreement any more
    const next = await classifier(ollama.url, calibration).classify({ text: STATEMENT, name: "s2.csv" });
    expect(next.warnings).toEqual([]);
  });

  it.each([
    ["Ollama ≥ 0.30 (keeps about half)", true],
    ["Ollama < 0.30 (keeps exactly num_ctx)", false],
  ])("a prompt the server cut — %s — is noticed, refitted and sent again", async (_what, halves) => {
    const ollama = await server({
      simulateTruncation: true,
      countTokens: denser(1.6),
      responder: (request) => ({
        ...statementModel(request),
        ...(request.promptTruncated && !halves ? { promptEvalCount: 8192 } : {}),
      }),
    });
    const calibration = createTokenCalibration();
    const result = await classifier(ollama.url, calibration).classify({ text: STATEMENT, name: "s.csv" });
    expect(ollama.requests.map((r) => r.promptTruncated)).toEqual([true, false]);
    expect(result.category).toBe("bank_statement");
    expect(result.warnings.join()).toMatch(/the server cut the prompt/);
    expect(result.reviewReason).toBeUndefined();
    expect(calibration.factor("llama3.2")).toBeGreaterThan(1.1);
  });

  it("a prompt cut even after refitting sends the document to review, never silently on", async () => {
    const ollama = await server({
      simulateTruncation: true,
      countTokens: denser(3),
      responder: statementModel,
    });
    const result = await classifier(ollama.url, createTokenCalibration()).classify({
      text: STATEMENT,
      name: "s.csv",
    });
    expect(ollama.requests.map((r) => r.promptTruncated)).toEqual([true, true]);
    expect(result.reviewReason).toMatch(/the server cut the prompt twice/);
  });
});

const answer = {
  category: "invoice",
  confidence: 0.92,
  summary: "Invoice from ACME",
  evidence: "Invoice No. 17",
};
const TEXT = "ACME Ltd\nInvoice No. 17\nTotal 119.00 EUR";

describe("answers cut at num_predict (done_reason length)", () => {
  it.each([
    ["the category and confidence complete", 60, true],
    ["only the category complete", 28, false],
    ["nothing complete", 5, false],
  ])("cut twice with %s", async (_what, chars, salvaged) => {
    const ollama = await server();
    const long = { ...answer, summary: "word ".repeat(400) };
    ollama.enqueue(cutReply(long, chars), cutReply(long, chars));
    const outcome = await classifier(ollama.url, createTokenCalibration())
      .classify({ text: TEXT, name: "a.txt" })
      .catch((error: unknown) => error);
    expect(ollama.requests.map((r) => r.options.num_predict)).toEqual([
      ANSWER_MAX_TOKENS,
      2 * ANSWER_MAX_TOKENS,
    ]);
    if (salvaged) {
      expect(outcome).toMatchObject({ category: "invoice", confidence: 0.92 });
      expect((outcome as { warnings: string[] }).warnings.join()).toContain(
        `cut at the output limit (num_predict ${ANSWER_MAX_TOKENS}), and again at num_predict ${2 * ANSWER_MAX_TOKENS}; kept the fields that were complete`,
      );
    } else {
      expect(outcome).toBeInstanceOf(InvalidModelOutputError);
      expect((outcome as Error).message).toContain(
        `cut at the output limit (num_predict ${ANSWER_MAX_TOKENS}), and again at num_predict ${2 * ANSWER_MAX_TOKENS}, before it gave a category and a confidence: raise model.numPredict`,
      );
      expect((outcome as InvalidModelOutputError).rawOutputs).toHaveLength(2);
    }
  });

  it("asks again, shorter and with a larger budget, instead of a repair round", async () => {
    const ollama = await server({ limitOutput: true });
    ollama.enqueue(
      { kind: "json", value: { ...answer, summary: "word ".repeat(500) } },
      { kind: "json", value: answer },
    );
    const result = await classifier(ollama.url, createTokenCalibration()).classify({
      text: TEXT,
      name: "a.txt",
    });
    expect(result.category).toBe("invoice");
    expect(result.attempts).toBe(2);
    expect(result.warnings.join()).toContain(`asked again with num_predict ${2 * ANSWER_MAX_TOKENS}`);
    expect(ollama.requests[1]?.messages.at(-1)?.content).toContain("cut off at the output limit");
  });
});

describe("JSON after prose", () => {
  it.each([
    ["braces in the prose", "Here is my answer for {the file}: "],
    ["a brace pair and quotes", 'I read {"the" document} and decided: '],
    ["an unbalanced brace", "Answer { for the file: "],
    ["a code fence after prose", "Sure.\n```json\n"],
    ["a think block with braces", "<think>{maybe invoice}</think>"],
    ["an example object first", 'The schema is {"category": "string"}. My answer: '],
  ])("%s", async (_what, prose) => {
    const ollama = await server();
    ollama.enqueue(proseReply(prose, answer));
    const result = await classifier(ollama.url, createTokenCalibration()).classify({
      text: TEXT,
      name: "a.txt",
    });
    expect(result.category).toBe("invoice");
    expect(ollama.requests).toHaveLength(1);
  });
});

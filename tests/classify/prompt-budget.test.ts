import { beforeEach, describe, expect, it } from "vitest";
import type { PromptBudget } from "../../src/classify/llm-classifier.js";
import { LlmDocumentClassifier } from "../../src/classify/llm-document-classifier.js";
import { testLlmClassifier, useOllamaServer } from "../support/llm-classifier.js";
import { lastUserText, type OllamaServer } from "../support/ollama-server.js";

const ollama = useOllamaServer();
let server: OllamaServer;
beforeEach(() => {
  server = ollama();
});

function classifier(budget: PromptBudget | undefined) {
  return testLlmClassifier(server.url, {}, budget ? { budget } : {});
}

const sure = { category: "contract", confidence: 0.91, summary: "A contract", evidence: "AGREEMENT" };
const unsure = { category: "other", confidence: 0.4, summary: "Unclear", evidence: "Clause" };
/** About 6,000 estimated tokens: far beyond a first pass of 200, well within num_ctx 8192. */
const LONG = `MASTER SERVICES AGREEMENT\n${"Clause text of the agreement goes on here. ".repeat(400)}\nSIGNED-END`;
const documentPart = (request: unknown) => {
  const text = lastUserText(request as never);
  return text.slice(text.lastIndexOf("<document>"));
};

describe("classification on a token budget", () => {
  it("a sure answer to the head and tail of a long text is final: one request, a short prompt", async () => {
    server.enqueue({ kind: "json", value: sure, promptEvalCount: 300, evalCount: 30 });
    const result = await classifier({ firstPassTokens: 200, escalateBelow: 0.7 }).classify({
      text: LONG,
      name: "msa.pdf",
    });
    expect(server.requests).toHaveLength(1);
    const sent = documentPart(server.requests[0]);
    expect(sent).toContain("MASTER SERVICES AGREEMENT");
    expect(sent).toContain("SIGNED-END");
    expect(sent).toContain("characters omitted");
    expect(sent.length).toBeLessThan(1_200);
    expect(result).toMatchObject({
      category: "contract",
      escalated: false,
      truncated: true,
      promptTokens: 300,
    });
    expect(result.sentTokens).toBeLessThanOrEqual(200);
    expect(result.sentChars).toBeLessThan(LONG.length / 10);
  });

  it("an unsure answer to a shortened text is asked once more with as much text as the window allows", async () => {
    server.enqueue(
      { kind: "json", value: unsure, promptEvalCount: 300, evalCount: 30 },
      { kind: "json", value: sure, promptEvalCount: 5_000, evalCount: 31 },
    );
    const result = await classifier({ firstPassTokens: 200, escalateBelow: 0.7 }).classify({
      text: LONG,
      name: "msa.pdf",
    });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests.map((r) => lastUserText(r as never));
    // the second prompt repeats the first one up to the end of the first pass's head, for the prefix cache
    const head = (first ?? "").slice(0, (first ?? "").indexOf("\n[… "));
    expect(second?.startsWith(head)).toBe(true);
    expect(second?.length).toBeGreaterThan((first?.length ?? 0) * 10);
    expect(result).toMatchObject({
      category: "contract",
      confidence: 0.91,
      escalated: true,
      // Ollama's counts of the request that gave the answer; the first request's are kept with it
      promptTokens: 5_000,
      outputTokens: 31,
      attempts: 2,
      firstPass: { category: "other", confidence: 0.4, promptTokens: 300, outputTokens: 30 },
    });
    expect(result.sentChars).toBeGreaterThan(result.firstPass?.sentChars ?? Number.POSITIVE_INFINITY);
  });

  it("an answer a person must review anyway (no evidence) escalates too", async () => {
    server.enqueue({ kind: "json", value: { ...sure, evidence: "" } }, { kind: "json", value: sure });
    const result = await classifier({ firstPassTokens: 200, escalateBelow: 0.7 }).classify({
      text: LONG,
      name: "msa.pdf",
    });
    expect(server.requests).toHaveLength(2);
    expect(result.escalated).toBe(true);
    expect(result.reviewReason).toBeUndefined();
  });

  it("an unsure answer to a text that was sent whole is final: there is nothing more to send", async () => {
    server.enqueue({ kind: "json", value: unsure });
    const result = await classifier({ firstPassTokens: 200, escalateBelow: 0.7 }).classify({
      text: "A short note.",
      name: "note.txt",
    });
    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ escalated: false, truncated: false, sentChars: "A short note.".length });
  });

  it("firstPassTokens 0 (or no budget) sends as much as num_ctx allows at once", async () => {
    for (const budget of [{ firstPassTokens: 0, escalateBelow: 0.7 }, undefined]) {
      server.reset();
      server.enqueue({ kind: "json", value: unsure });
      const result = await classifier(budget).classify({ text: LONG, name: "msa.pdf" });
      expect(server.requests).toHaveLength(1);
      expect(result.truncated).toBe(false);
      expect(documentPart(server.requests[0])).toContain(LONG.slice(-2_000));
    }
  });

  it("what was sent is recorded in the classification's details", async () => {
    server.enqueue({ kind: "json", value: unsure }, { kind: "json", value: sure });
    const documents = new LlmDocumentClassifier(classifier({ firstPassTokens: 200, escalateBelow: 0.7 }));
    const decision = await documents.classify({ documentId: undefined, text: LONG, name: "msa.pdf" });
    expect(decision.details).toMatchObject({
      sent: { escalated: true },
      firstPass: { category: "other", confidence: 0.4 },
    });
    const sent = (decision.details as { sent: { chars: number; tokens: number } }).sent;
    expect(sent.chars).toBeGreaterThan(LONG.length * 0.9);
    expect(sent.tokens).toBeGreaterThan(1_000);
  });
});

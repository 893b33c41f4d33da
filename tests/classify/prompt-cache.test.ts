import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaAnswerModel } from "../../bench/emulator/answer-model.js";
import { keywordClassifier } from "../../bench/emulator/keyword-classifier.js";
import { type OllamaEmulator, startEmulator } from "../../bench/emulator/ollama-emulator.js";
import { LlmDocumentClassifier } from "../../src/classify/llm-document-classifier.js";
import { testLlmClassifier } from "../support/llm-classifier.js";

/**
 * Through the real ChatOllama client against the bench's Ollama emulator (one slot, per-slot prefix cache, Llama 3
 * token counts): the fixed part of the prompt is evaluated once, and the reused part is recorded.
 */
let server: OllamaEmulator;
beforeAll(async () => {
  server = await startEmulator({
    answer: schemaAnswerModel(keywordClassifier),
    parallel: 1,
    promptTokenMs: 0,
    outputTokenMs: 0,
    prefixCache: true,
  });
});
afterAll(async () => {
  await server.close();
});

describe("Ollama's prefix cache", () => {
  it("the second document reuses the whole fixed part; the cached count goes into the details", async () => {
    const llm = testLlmClassifier(server.url);
    const documents = new LlmDocumentClassifier(llm);
    const first = await documents.classify({
      documentId: 1,
      name: "receipt-00008.txt",
      text: "RECEIPT\nCashier: Anna\nPaid with card\nThank you for your purchase",
    });
    const second = await documents.classify({
      documentId: 2,
      name: "Rechnung 2025-04 Halden.pdf",
      text: "INVOICE 2025-04\nBill to: ACME\nAmount due 119.00 EUR\nPayment terms 14 days",
    });
    expect(first.category).toBe("receipt");
    expect(second.category).toBe("invoice");
    const [a, b] = server.calls;
    // everything before the document's own part is the same, so only that part is evaluated again
    expect(b?.cachedTokens).toBeGreaterThan(0.8 * (a?.promptTokens ?? 0));
    expect(b?.evaluatedTokens).toBeLessThan(60);
    expect(first.details).toMatchObject({ promptCachedTokens: 0 });
    expect(second.details).toMatchObject({ promptCachedTokens: b?.cachedTokens });
    expect(second.promptTokens).toBe(b?.evaluatedTokens);
  });
});

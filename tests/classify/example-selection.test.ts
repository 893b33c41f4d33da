import { describe, expect, it } from "vitest";
import { chooseExamples, examplePolicy, similarity } from "../../src/classify/example-selection.js";
import { LlmDocumentClassifier } from "../../src/classify/llm-document-classifier.js";
import type { SimilarExample } from "../../src/store/examples-index.js";
import { testLlmClassifier, useOllamaServer } from "../support/llm-classifier.js";
import { lastUserText } from "../support/ollama-server.js";
import { testConfig } from "../support/test-config.js";

const TAXI_1 =
  "Stadt-Taxi Kessel Quittung Fahrt vom Hauptbahnhof zum Messegelände Fahrpreis EUR 23,40 Trinkgeld 2,00";
const TAXI_2 =
  "Stadt-Taxi Kessel\nQuittung\nFahrt vom Flughafen zum Hauptbahnhof\nFahrpreis EUR 41,80\nTrinkgeld 3,00\n";
/** bm25 finds this for TAXI_2 (it shares "EUR"), but it does not look like it. */
const CONTRACT =
  "Master services agreement between the parties, governing law England, term of this agreement EUR";

const found = (excerpt: string, documentId: number, category: string): SimilarExample => ({
  documentId,
  category,
  name: `${documentId}.txt`,
  excerpt,
  score: 1.5,
});

describe("few-shot examples only when similar enough", () => {
  it("similarity is 1 for the same words, 0 for none in common, in between for a partial match", () => {
    expect(
      similarity("Invoice ACME Ltd total", "invoice acme ltd TOTAL\n more text after it"),
    ).toBeGreaterThan(0.6);
    expect(similarity("Invoice ACME Ltd total", "Invoice ACME Ltd total")).toBe(1);
    expect(similarity("Dear Sir, regarding", "Kontoauszug Girokonto Umsätze")).toBe(0);
    expect(similarity(CONTRACT, TAXI_2)).toBeLessThan(0.1);
    expect(similarity(TAXI_1, TAXI_2)).toBeGreaterThan(0.6);
  });

  it("leaves out examples below the threshold and beyond the token allowance", () => {
    const policy = { minSimilarity: 0.3, maxTokens: 300 };
    const chosen = chooseExamples(
      [found(CONTRACT, 1, "contract"), found(TAXI_1, 2, "receipt")],
      TAXI_2,
      policy,
    );
    expect(chosen.map((e) => e.documentId)).toEqual([2]);
    expect(chosen[0]?.similarity).toBeGreaterThan(0.6);
    // three alike examples of ~60 tokens each do not fit an allowance of 150 tokens: only the first two do
    const three = [1, 2, 3].map((id) => found(TAXI_1, id, "receipt"));
    expect(chooseExamples(three, TAXI_2, { minSimilarity: 0.3, maxTokens: 150 }).length).toBeLessThan(3);
    expect(chooseExamples(three, TAXI_2, { minSimilarity: 0.3, maxTokens: 0 })).toEqual([]);
    expect(chooseExamples(three, TAXI_2, { minSimilarity: 0, maxTokens: 10_000 })).toHaveLength(3);
  });

  it("the configured defaults come from tokens.*", () => {
    const policy = examplePolicy(testConfig({ tokens: { exampleMinSimilarity: 0.5, exampleTokens: 99 } }));
    expect(policy).toMatchObject({ minSimilarity: 0.5, maxTokens: 99 });
    expect(examplePolicy(testConfig())).toMatchObject({ minSimilarity: 0.3, maxTokens: 300 });
  });
});

describe("LlmDocumentClassifier with an example policy", () => {
  const ollama = useOllamaServer();

  it("an example bm25 found at similarity ~0 is not sent; a similar one is, and both are recorded", async () => {
    const server = ollama();
    const config = testConfig();
    const llm = testLlmClassifier(server.url);
    const documents = new LlmDocumentClassifier(
      llm,
      () => [found(CONTRACT, 1, "contract"), found(TAXI_1, 2, "receipt")],
      examplePolicy(config),
    );
    server.enqueue({
      kind: "json",
      value: { category: "receipt", confidence: 0.9, summary: "Taxi receipt", evidence: "Quittung" },
    });
    const decision = await documents.classify({ documentId: 3, name: "taxi-2.txt", text: TAXI_2 });
    const prompt = lastUserText(server.requests[0] as never);
    expect(prompt).toContain('<example category="receipt">');
    expect(prompt).not.toContain("Master services agreement");
    expect(decision.details).toMatchObject({
      examples: [{ documentId: 2, category: "receipt" }],
      examplesLeftOut: 1,
    });
  });
});

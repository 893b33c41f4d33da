import { describe, expect, it } from "vitest";
import { BuiltinClassifier } from "../../../src/classify/builtin/builtin-classifier.js";
import { fallsBackToBuiltin } from "../../../src/classify/builtin/fallback-policy.js";
import { CascadeClassifier, type CascadeParts } from "../../../src/classify/cascade.js";
import type {
  ClassificationDecision,
  DocumentClassifier,
} from "../../../src/classify/document-classifier.js";
import { ModelCallError } from "../../../src/classify/model-errors.js";
import type { BuiltinConfig } from "../../../src/config/schema.js";
import type { RuleRecord } from "../../../src/store/rules-repo.js";
import { testConfig } from "../../support/test-config.js";

const CATEGORIES = testConfig().taxonomy.map((c) => c.name);
const INVOICE = {
  documentId: 1,
  name: "rechnung.txt",
  text: "RECHNUNG Nr. 4\nNettobetrag 100,00\nUSt 19 %\nRechnungsbetrag 119,00 €\nZahlbar in 14 Tagen",
};

function llmSaying(category: string, confidence: number): DocumentClassifier & { calls: number } {
  const fake = {
    calls: 0,
    async classify(): Promise<ClassificationDecision> {
      fake.calls += 1;
      return {
        category,
        confidence,
        summary: "model summary",
        evidence: "quote",
        source: "llm",
        model: "llama3.2",
        promptHash: "h",
        numCtx: 8192,
        promptTokens: 100,
        outputTokens: 20,
        estimatedPromptTokens: 110,
        latencyMs: 5,
        truncated: false,
        attempts: 1,
        rawOutput: "{}",
        details: {},
      };
    },
  };
  return fake;
}

function failingLlm(kind: "unavailable" | "transient"): DocumentClassifier & { calls: number } {
  const fake = {
    calls: 0,
    async classify(): Promise<ClassificationDecision> {
      fake.calls += 1;
      throw new ModelCallError(
        kind,
        kind === "unavailable" ? "Ollama is not reachable" : "Ollama answered 500",
      );
    },
  };
  return fake;
}

/** A built-in classifier that has learned from `confirmed` documents (copies of the seed-like invoice). */
function builtinWith(confirmed: number): BuiltinClassifier {
  const examples = Array.from({ length: confirmed }, (_, i) => ({
    category: "invoice",
    text: `${INVOICE.text} copy ${i}`,
  }));
  return new BuiltinClassifier(CATEGORIES, () => ({
    version: () => String(confirmed),
    examples: () => examples,
  }));
}

function cascade(
  parts: Partial<Omit<CascadeParts, "settings">> & { settings?: Partial<BuiltinConfig> },
): CascadeClassifier {
  return new CascadeClassifier({
    rules: () => [],
    builtin: builtinWith(0),
    llm: llmSaying("invoice", 0.9),
    fallsBack: () => false,
    neighbours: () => [],
    ...parts,
    settings: { ...testConfig().builtin, ...parts.settings },
  });
}

const rule = (id: number, pattern: string, category: string): RuleRecord => ({
  id,
  field: "text",
  match: "keyword",
  pattern,
  category,
  enabled: true,
  note: null,
  createdBy: null,
  createdAt: "2025-01-01T00:00:00.000Z",
});

describe("the cascade: rules → built-in → model", () => {
  it("a matching rule decides before any model, as source rule", async () => {
    const llm = llmSaying("letter", 0.9);
    const decision = await cascade({ llm, rules: () => [rule(4, "rechnung", "invoice")] }).classify(INVOICE);
    expect(decision).toMatchObject({
      category: "invoice",
      confidence: 1,
      source: "rule",
      evidence: "RECHNUNG",
    });
    expect(decision.details).toEqual({ rules: [4] });
    expect(llm.calls).toBe(0);
  });

  it("rules that disagree send the document to review with the reason", async () => {
    const rules = () => [rule(1, "rechnung", "invoice"), rule(2, "zahlbar", "letter")];
    const decision = await cascade({ rules }).classify(INVOICE);
    expect(decision.source).toBe("llm");
    expect(decision.reviewReason).toBe("rule conflict: #1 → invoice, #2 → letter");
  });

  it("with the fallback allowed, an unavailable model means a built-in decision, and the model is not asked again for a while", async () => {
    const llm = failingLlm("unavailable");
    const classifier = cascade({ llm, fallsBack: () => true });
    const first = await classifier.classify(INVOICE);
    const second = await classifier.classify(INVOICE);
    expect(first).toMatchObject({ source: "builtin", category: "invoice", model: "builtin" });
    expect(first.details).toMatchObject({ fallback: "Ollama is not reachable" });
    expect(first.confidence).toBeGreaterThan(0);
    expect(first.confidence).toBeLessThan(1);
    expect(second.source).toBe("builtin");
    expect(llm.calls).toBe(1);
  });

  it("without the fallback (model.fallback wait), an unavailable model is an error: the document waits", async () => {
    await expect(cascade({ llm: failingLlm("unavailable") }).classify(INVOICE)).rejects.toMatchObject({
      kind: "unavailable",
    });
    await expect(
      cascade({ llm: failingLlm("transient"), fallsBack: () => true }).classify(INVOICE),
    ).rejects.toMatchObject({
      kind: "transient",
    });
  });

  it("before crossCheckAfter confirmed documents, the built-in opinion is only recorded", async () => {
    const decision = await cascade({ llm: llmSaying("letter", 0.9) }).classify(INVOICE);
    expect(decision).toMatchObject({ category: "letter", confidence: 0.9 });
    expect(decision.reviewReason).toBeUndefined();
    expect(decision.details.builtin).toMatchObject({ agrees: false, counted: false });
  });

  it("once trained on enough confirmed documents, disagreement lowers the confidence and sends it to review; agreement raises it", async () => {
    const settings = { crossCheckAfter: 5, disagreeAbove: 0.6 };
    const disagree = await cascade({
      builtin: builtinWith(6),
      llm: llmSaying("letter", 0.9),
      settings,
    }).classify(INVOICE);
    expect(disagree.confidence).toBeLessThan(0.9);
    expect(disagree.reviewReason).toMatch(
      /^the built-in classifier disagrees: invoice [01]\.\d\d vs letter 0\.90 from the model$/,
    );
    expect(disagree.details.builtin).toMatchObject({ counted: true, modelConfidence: 0.9 });

    const agree = await cascade({
      builtin: builtinWith(6),
      llm: llmSaying("invoice", 0.8),
      settings,
    }).classify(INVOICE);
    expect(agree.confidence).toBeGreaterThan(0.8);
    expect(agree.reviewReason).toBeUndefined();
  });

  it("skips the model only when configured, confident and backed by agreeing confirmed neighbours", async () => {
    const neighbours = () =>
      [1, 2, 3].map((id) => ({ documentId: id, category: "invoice", name: "x", excerpt: "", score: 1 }));
    const llm = llmSaying("invoice", 0.9);
    const off = await cascade({ llm, neighbours }).classify(INVOICE);
    expect(off.source).toBe("llm");
    const on = await cascade({ llm, neighbours, settings: { skipModelAbove: 0.5 } }).classify(INVOICE);
    expect(on.source).toBe("builtin");
    expect(on.details.skippedModel).toMatch(/3 nearest confirmed documents agree/);
    const mixed = () => [
      ...neighbours().slice(0, 2),
      { documentId: 9, category: "letter", name: "y", excerpt: "", score: 1 },
    ];
    const noSkip = await cascade({ llm, neighbours: mixed, settings: { skipModelAbove: 0.5 } }).classify(
      INVOICE,
    );
    expect(noSkip.source).toBe("llm");
    expect(llm.calls).toBe(2);
  });
});

describe("model.fallback", () => {
  const meta = (entries: Record<string, string>) => ({ get: (key: string) => entries[key], set() {} });
  it("auto falls back until this installation has reached an Ollama server once", () => {
    expect(fallsBackToBuiltin("auto", undefined)).toBe(true);
    expect(fallsBackToBuiltin("auto", meta({}))).toBe(true);
    expect(fallsBackToBuiltin("auto", meta({ ollama_reached_at: "2025-01-01" }))).toBe(false);
    expect(fallsBackToBuiltin("auto", meta({ model_last_ok_at: "2025-01-01" }))).toBe(false);
    expect(fallsBackToBuiltin("builtin", meta({ model_last_ok_at: "2025-01-01" }))).toBe(true);
    expect(fallsBackToBuiltin("wait", meta({}))).toBe(false);
  });
});

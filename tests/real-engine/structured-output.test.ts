import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClassificationDecision } from "../../src/classify/document-classifier.js";
import { LlmClassifier } from "../../src/classify/llm-classifier.js";
import { LlmDocumentClassifier } from "../../src/classify/llm-document-classifier.js";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import type { Category } from "../../src/config/schema.js";
import { checkInvoice, hasFailure } from "../../src/invoices/invoice-checks.js";
import { invoiceFieldsSchema } from "../../src/invoices/invoice-fields-schema.js";
import { LlmInvoiceExtractor } from "../../src/invoices/llm-invoice-extractor.js";
import { normaliseInvoice } from "../../src/invoices/normalise-invoice.js";
import { corpusAvailable } from "../support/corpus.js";
import { corpusText } from "../support/corpus-text.js";
import type { EngineRequest, LlamaOllamaServer } from "../support/llama-ollama-server.js";
import {
  checkRealEngine,
  MODEL_TEST_TIMEOUT_MS,
  realEngineTitle,
  START_TIMEOUT_MS,
  startRealEngineServer,
} from "../support/real-engine.js";
import { testConfig } from "../support/test-config.js";

/**
 * Every schema docsort sends (classification for any taxonomy, invoice fields) through the real engine: it must
 * convert to a grammar, and every answer must be JSON of its shape. What the grammar cannot hold (numeric bounds)
 * must end in a recorded, understandable state: review, with the reason.
 */
const gate = await checkRealEngine();

const DOCUMENTS = [
  "invoices/alpenglas_rechnung_2025-5521.txt",
  "contracts/Dienstleistungsvertrag_Reinigung_Glanzwerk.md",
  "letters/Kuendigung_Wartungsvertrag_latin1.txt",
  "other/minutes_facilities_committee_2025-05-14.md",
  "resumes/resume_daniel_okafor.txt",
];
const INVOICE = "invoices/brightloom-invoice-BL-0093.md";
const TWO_CATEGORIES: Category[] = [
  { name: "paperwork", description: "Anything a person files." },
  { name: "junk", description: "Anything else." },
];

interface Classified {
  file: string;
  decision: ClassificationDecision;
  /** The chat requests of this document: the first answer and, if it needed one, the repair. */
  requests: EngineRequest[];
}

interface Answer {
  category: string;
  confidence: number;
  summary: string;
  evidence: string;
}

function answerOf(request: EngineRequest | undefined): Answer {
  return JSON.parse(request?.content ?? "") as Answer;
}

function grammarOf(request: EngineRequest | undefined): string {
  const grammar = request?.grammar;
  if (grammar?.kind !== "grammar") throw new Error(`no grammar: ${JSON.stringify(grammar)}`);
  return grammar.gbnf;
}

describe.skipIf(!gate.ok || !corpusAvailable)(
  realEngineTitle("docsort's schemas through the real engine", gate),
  { timeout: MODEL_TEST_TIMEOUT_MS },
  () => {
    let server: LlamaOllamaServer;
    const classified: Classified[] = [];

    const classifier = (categories?: Category[]) => {
      const config = testConfig({
        model: { host: server.url, name: "tiny-qwen2", maxRetries: 0 },
        ...(categories ? { taxonomy: categories } : {}),
      });
      const llm = new LlmClassifier({
        model: config.model,
        categories: config.taxonomy,
        prompt: loadPromptTemplate(config.prompts, "classify"),
      });
      return { config, classifier: new LlmDocumentClassifier(llm) };
    };

    const classify = async (file: string, categories?: Category[]): Promise<Classified> => {
      const before = server.requests.length;
      const decision = await classifier(categories).classifier.classify({
        documentId: undefined,
        name: path.basename(file),
        text: await corpusText(file),
      });
      return { file, decision, requests: server.requests.slice(before) };
    };

    beforeAll(async () => {
      server = await startRealEngineServer();
      for (const file of DOCUMENTS) classified.push(await classify(file));
    }, START_TIMEOUT_MS);
    afterAll(async () => server?.close());

    const requests = () => classified.flatMap((c) => c.requests);
    const names = testConfig().taxonomy.map((c) => c.name);

    it("the classification schema converts to a grammar that holds the enum, the keys and nothing else", () => {
      for (const request of requests())
        expect(request.grammar).toMatchObject({ kind: "grammar", source: "schema" });
      const gbnf = grammarOf(requests()[0]);
      expect(gbnf).toContain(`category ::= (${names.map((n) => `"\\"${n}\\""`).join(" | ")})`);
      expect(gbnf).toMatch(
        /^root ::= "\{" space category-kv "," space confidence-kv "," space summary-kv "," space evidence-kv space "\}"$/m,
      );
      // Found by this tier: `minimum`/`maximum` do not survive. The confidence is any JSON number, which is why
      // docsort checks the range itself (classification-checks.ts).
      expect(gbnf).toMatch(/^confidence-kv ::= "\\"confidence\\"" space ":" space number$/m);
      expect(gbnf).not.toMatch(/additional/);
      // Descriptions guide nothing through the grammar; only the prompt can tell the model what a field means.
      expect(gbnf).not.toContain("One category of the taxonomy");
    });

    it("every answer, first or repaired, is JSON of the schema's shape, complete", () => {
      expect(requests().length).toBeGreaterThanOrEqual(DOCUMENTS.length);
      for (const request of requests()) {
        expect(request.result?.doneReason, request.content).toBe("stop");
        const answer = answerOf(request);
        expect(Object.keys(answer)).toEqual(["category", "confidence", "summary", "evidence"]);
        expect(names).toContain(answer.category);
        expect([typeof answer.confidence, typeof answer.summary, typeof answer.evidence]).toEqual([
          "number",
          "string",
          "string",
        ]);
      }
    });

    it("what the grammar lets through ends in a recorded state: review with the reason, or the answer as given", () => {
      let outOfRange = 0;
      for (const { file, decision, requests } of classified) {
        const final = answerOf(requests.at(-1));
        expect(decision.category, file).toBe(final.category);
        expect(decision.rawOutput, file).toBe(requests.map((r) => r.content).join("\n---\n"));
        if (final.confidence < 0 || final.confidence > 1) {
          outOfRange += 1;
          expect(decision, file).toMatchObject({ confidence: 0, attempts: 2 });
          expect(decision.reviewReason, file).toBe(
            `the model's confidence ${final.confidence} is outside 0–1 (asked twice); recorded as 0`,
          );
        } else if (!/[\p{L}\p{N}]/u.test(final.evidence)) {
          expect(decision.reviewReason, file).toBe("the model quoted no evidence from the document");
        } else {
          expect(decision.reviewReason, file).toBeUndefined();
          expect(decision.confidence, file).toBe(final.confidence);
        }
        if (answerOf(requests[0]).confidence > 1 || answerOf(requests[0]).confidence < 0) {
          expect(requests, `${file}: an out-of-range confidence gets the repair round`).toHaveLength(2);
        }
      }
      // The model did produce out-of-range confidences: without docsort's own check they would have failed.
      expect(outOfRange).toBeGreaterThan(0);
    });

    it("docsort's prompt_eval_count is the real tokenizer's count of the rendered chat prompt", () => {
      for (const { file, decision, requests } of classified) {
        const final = requests.at(-1);
        expect(decision.promptTokens, file).toBe(final?.result?.promptEvalCount);
        expect(decision.promptTokens, file).toBe(server.countPromptTokens(final?.messages ?? [], 8192));
        expect(decision.outputTokens, file).toBe(final?.result?.evalCount);
      }
    });

    it("a taxonomy of the user's own converts and is held too", async () => {
      const { decision, requests } = await classify("other/fragment.txt", TWO_CATEGORIES);
      expect(grammarOf(requests[0])).toContain('category ::= ("\\"paperwork\\"" | "\\"junk\\"")');
      expect(["paperwork", "junk"]).toContain(decision.category);
      for (const request of requests) expect(["paperwork", "junk"]).toContain(answerOf(request).category);
    });

    it("the invoice schema converts, its answer passes the schema, and nonsense values fail the checks", async () => {
      const config = testConfig({ model: { host: server.url, name: "tiny-qwen2", maxRetries: 0 } });
      const extractor = new LlmInvoiceExtractor({
        model: config.model,
        prompt: loadPromptTemplate(config.prompts, "invoice"),
        numPredict: config.invoices.numPredict,
      });
      const before = server.requests.length;
      const extraction = await extractor.extract({
        name: path.basename(INVOICE),
        text: await corpusText(INVOICE),
      });
      const sent = server.requests.slice(before);
      for (const request of sent) {
        expect(request.grammar).toMatchObject({ kind: "grammar", source: "schema" });
        expect(request.result?.doneReason).toBe("stop");
      }
      const gbnf = grammarOf(sent[0]);
      expect(gbnf).toMatch(/^vendor-value ::= string \| number \| null$/m);
      expect(invoiceFieldsSchema.safeParse(JSON.parse(sent.at(-1)?.content ?? "")).success).toBe(true);
      expect(extraction.info).toMatchObject({
        promptTokens: sent.at(-1)?.result?.promptEvalCount,
        doneReason: "stop",
      });
      const checks = checkInvoice(normaliseInvoice(extraction.fields), config.invoices.requiredFields);
      expect(hasFailure(checks)).toBe(true);
      for (const check of checks.filter((c) => c.status === "failed")) expect(check.message).not.toBe("");
    });
  },
);

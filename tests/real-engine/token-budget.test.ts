import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LlmClassifier } from "../../src/classify/llm-classifier.js";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import { INVOICE_FIELD_NAMES } from "../../src/invoices/invoice-fields-schema.js";
import { LlmInvoiceExtractor } from "../../src/invoices/llm-invoice-extractor.js";
import { corpusAvailable, LABELED_DIR, loadLabels, REAL_DIR } from "../support/corpus.js";
import { corpusText, OCR_FORMATS } from "../support/corpus-text.js";
import type { PromptTokenizer } from "../support/llama-engine/tokenizer.js";
import {
  type OllamaServer,
  type RecordedRequest,
  type Reply,
  startOllamaServer,
} from "../support/ollama-server.js";
import {
  checkRealEngine,
  loadRealTokenizer,
  realEngineTitle,
  START_TIMEOUT_MS,
} from "../support/real-engine.js";
import { testConfig } from "../support/test-config.js";

/**
 * docsort sizes each prompt with its own token estimate, because Ollama silently cuts a prompt that is too long
 * (the instructions and the start of the document go first). Here every corpus document's prompt, exactly as docsort
 * sends it, is counted by a real tokenizer through the model's chat template (what Ollama reports as
 * prompt_eval_count): the estimate may be below that count by at most the safety margin, and the answer must keep
 * its num_predict tokens of room. The prompts are captured with the scripted server; only the counting is real.
 * Documents that need OCR are left out (seconds per page); their text is no different in kind.
 */
const gate = await checkRealEngine();

/** A corpus document as the classifier and the extractor take it. */
interface Doc {
  name: string;
  text: string;
}

/** One prompt as docsort built it. */
interface Measured {
  file: string;
  /** docsort's estimate of the prompt text (its messages joined), as the classifier or extractor reports it. */
  estimated: number;
  /** Real tokens of that same text. */
  text: number;
  /** Real tokens of the chat prompt Ollama evaluates: the messages through the chat template. */
  prompt: number;
}

interface Setting {
  setting: string;
  numCtx: number;
  numPredict: number;
}

const SETTINGS = {
  defaults: { setting: "docsort's defaults", numCtx: 8192, numPredict: 512, invoiceNumPredict: 1536 },
  small: {
    setting: "a small window that cuts long documents",
    numCtx: 2048,
    numPredict: 256,
    invoiceNumPredict: 512,
  },
};
const KINDS = ["classification", "invoice"] as const;
type Kind = (typeof KINDS)[number];
type CaseName = `${Kind} / ${keyof typeof SETTINGS}`;

const CLASSIFICATION = { category: "other", confidence: 0.5, summary: "a document", evidence: "document" };
const INVOICE = {
  document_type: "invoice",
  ...Object.fromEntries(INVOICE_FIELD_NAMES.map((name) => [name, { value: null, quote: "" }])),
  line_items: [],
};

function answer(request: RecordedRequest): Reply {
  const format = request.format as { properties?: Record<string, unknown> };
  return { kind: "json", value: format.properties?.category ? CLASSIFICATION : INVOICE };
}

function corpusDocuments(): string[] {
  const labeled = loadLabels()
    .filter((l) => !OCR_FORMATS.has(l.format))
    .map((l) => path.join(LABELED_DIR, l.file));
  const real = readdirSync(REAL_DIR)
    .filter((f) => /\.(pdf|txt)$/.test(f))
    .map((f) => path.join(REAL_DIR, f));
  return [...labeled, ...real];
}

describe.skipIf(!gate.ok || !corpusAvailable)(
  realEngineTitle("docsort's token budget against the real tokenizer, on the corpus", gate),
  () => {
    let tokenizer: PromptTokenizer;
    let scripted: OllamaServer;
    const docs: Doc[] = [];
    const measured = new Map<CaseName, { setting: Setting; prompts: Measured[] }>();

    beforeAll(async () => {
      tokenizer = await loadRealTokenizer();
      scripted = await startOllamaServer({ models: ["tiny-qwen2"], responder: answer });
      for (const file of corpusDocuments()) {
        docs.push({
          name: path.basename(file),
          text: await corpusText(path.basename(file), path.dirname(file)),
        });
      }
      for (const [name, { setting, numCtx, numPredict, invoiceNumPredict }] of Object.entries(SETTINGS)) {
        const { model, taxonomy, prompts } = testConfig({
          model: { host: scripted.url, name: "tiny-qwen2", numCtx, numPredict },
        });
        const classifier = new LlmClassifier({
          model,
          categories: taxonomy,
          prompt: loadPromptTemplate(prompts, "classify"),
        });
        const extractor = new LlmInvoiceExtractor({
          model,
          prompt: loadPromptTemplate(prompts, "invoice"),
          numPredict: invoiceNumPredict,
        });
        const estimate: Record<Kind, (doc: Doc) => Promise<unknown>> = {
          classification: async (doc) => (await classifier.classify(doc)).estimatedPromptTokens,
          invoice: async (doc) => (await extractor.extract(doc)).info.estimatedPromptTokens,
        };
        for (const kind of KINDS) {
          const prompts: Measured[] = [];
          for (const doc of docs) {
            const estimated = await estimate[kind](doc);
            const messages = scripted.requests.at(-1)?.messages ?? [];
            prompts.push({
              file: doc.name,
              estimated: z.number().parse(estimated),
              text: tokenizer.countTokens(messages.map((m) => m.content).join("\n")),
              prompt: tokenizer.countPromptTokens(messages),
            });
          }
          const predict = kind === "invoice" ? invoiceNumPredict : numPredict;
          measured.set(`${kind} / ${name as keyof typeof SETTINGS}`, {
            setting: { setting, numCtx, numPredict: predict },
            prompts,
          });
        }
      }
    }, START_TIMEOUT_MS);
    afterAll(async () => {
      await scripted?.close();
      await tokenizer?.dispose();
    });

    const get = (name: CaseName) => {
      const found = measured.get(name);
      if (!found) throw new Error(`${name} was not measured`);
      return found;
    };
    const cases = Object.keys(SETTINGS).flatMap((s) => KINDS.map((k) => `${k} / ${s}` as CaseName));

    /** Prompts whose estimate is further below the real count of the same text than the safety margin. */
    function underEstimated(name: CaseName): string[] {
      const { setting, prompts } = get(name);
      const margin = Math.ceil(setting.numCtx * testConfig().model.safetyMargin);
      return prompts
        .filter((p) => p.text - p.estimated > margin)
        .map((p) => `${p.file}: estimated ${p.estimated}, real ${p.text} (margin ${margin})`);
    }

    it("covers the corpus, short and long documents", () => {
      expect(docs.length).toBeGreaterThan(40);
      expect(docs.some((d) => d.text.length > 20_000)).toBe(true);
      // In the small window the long documents are cut to the budget, so the check is not a trivial one.
      expect(get("classification / small").prompts.some((p) => p.prompt > 2048 / 2)).toBe(true);
    });

    it.each(cases)("%s: every prompt leaves the answer its num_predict, so Ollama cuts nothing", (name) => {
      const { setting, prompts } = get(name);
      const tooLong = prompts
        .filter((p) => p.prompt + setting.numPredict > setting.numCtx)
        .map((p) => `${p.file}: ${p.prompt} prompt + ${setting.numPredict} answer > ${setting.numCtx}`);
      expect(tooLong).toEqual([]);
    });

    it.each(cases)(
      "%s: the estimate is never below the real count by more than the safety margin",
      (name) => {
        expect(underEstimated(name)).toEqual([]);
      },
    );
  },
);

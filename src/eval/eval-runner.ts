import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleFinder } from "../classify/build-cascade.js";
import {
  BuiltinClassifier,
  builtinDecision,
  type ConfirmedSource,
} from "../classify/builtin/builtin-classifier.js";
import type { TrainingExample } from "../classify/builtin/builtin-model.js";
import { CascadeClassifier } from "../classify/cascade.js";
import {
  type ClassificationDecision,
  type DocumentClassifier,
  NO_MODEL_CALL,
} from "../classify/document-classifier.js";
import type { ExampleFinder } from "../classify/llm-document-classifier.js";
import type { Config } from "../config/schema.js";
import { errorMessage } from "../errors.js";
import type { Extractor } from "../extract/index.js";
import { syncConfirmedExample } from "../review/confirmed-examples.js";
import { nowIso } from "../store/clock.js";
import { Store } from "../store/store.js";
import type { Label } from "./labels.js";
import { computeMetrics, type EvalCase, type EvalMetrics } from "./metrics.js";

export const EVAL_CLASSIFIERS = ["builtin", "llm", "cascade"] as const;
export type EvalClassifier = (typeof EVAL_CLASSIFIERS)[number];

export interface EvalOptions {
  dir: string;
  labels: readonly Label[];
  classifier: EvalClassifier;
  /** Leave-one-out: each document may learn from every other labeled document as if confirmed, never itself. */
  learning: boolean;
  config: Config;
  extractor: Extractor;
  /** The model, with the given example finder; only needed for llm and cascade. */
  createLlm?: (findExamples: ExampleFinder) => Promise<DocumentClassifier>;
  /** Before each file of each step (extracting every file, then classifying it): `done` files of `total` so far. */
  onProgress?: (step: "extract" | "classify", done: number, total: number, file: string) => void;
}

export interface EvalReport {
  classifier: EvalClassifier;
  learning: "seed only" | "seed + leave-one-out confirmed";
  metrics: EvalMetrics;
  cases: EvalCase[];
}

interface Item {
  label: Label;
  name: string;
  text: string;
  extractMs: number;
  error: string | null;
  documentId: number | undefined;
}

/**
 * Classifies a labeled folder without touching the user's data: the confirmed-examples part runs on a temporary
 * store that holds the labeled documents themselves (for leave-one-out), removed afterwards.
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const { config } = options;
  const categories = config.taxonomy.map((c) => c.name);
  const scratch = mkdtempSync(path.join(os.tmpdir(), "docsort-eval-"));
  const store = Store.open(scratch);
  try {
    const items = await extractAll(options);
    if (options.learning) for (const item of items) confirm(store, item);
    const llm =
      options.classifier === "builtin"
        ? undefined
        : await requireLlm(options)(
            options.learning ? exampleFinder(() => store, config.learning.examples) : () => [],
          );
    const cases: EvalCase[] = [];
    for (const [index, item] of items.entries()) {
      options.onProgress?.("classify", index, items.length, item.label.file);
      cases.push(await evaluate(options, categories, items, item, store, llm));
    }
    return {
      classifier: options.classifier,
      learning: options.learning ? "seed + leave-one-out confirmed" : "seed only",
      metrics: computeMetrics(cases, categories),
      cases,
    };
  } finally {
    store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function requireLlm(options: EvalOptions) {
  const create = options.createLlm;
  if (!create) throw new Error(`the ${options.classifier} evaluation needs a model`);
  return create;
}

async function extractAll(options: EvalOptions): Promise<Item[]> {
  const items: Item[] = [];
  for (const [index, label] of options.labels.entries()) {
    options.onProgress?.("extract", index, options.labels.length, label.file);
    const file = path.resolve(options.dir, label.file);
    const name = path.basename(label.file);
    const started = performance.now();
    try {
      const result = await options.extractor.extract({ path: file, name });
      items.push({
        label,
        name,
        text: result.text,
        extractMs: performance.now() - started,
        error: null,
        documentId: undefined,
      });
    } catch (error) {
      items.push({
        label,
        name,
        text: "",
        extractMs: performance.now() - started,
        error: `extraction failed: ${errorMessage(error)}`,
        documentId: undefined,
      });
    }
  }
  return items;
}

/** The labeled document as a person-confirmed one, in the scratch store. */
function confirm(store: Store, item: Item): void {
  if (item.text.trim() === "") return;
  const now = nowIso();
  const sha256 = createHash("sha256").update(item.label.file).digest("hex");
  const document = store.documents.insert(
    { sha256, path: item.label.file, name: item.name, size: item.text.length, status: "done" },
    now,
  );
  store.extractions.add(
    {
      documentId: document.id,
      text: item.text,
      method: "eval",
      mime: "text/plain",
      kind: "text",
      pages: null,
      pagesRead: null,
      encoding: null,
      language: null,
      ocrConfidence: null,
      warnings: [],
      durationMs: 0,
    },
    now,
  );
  store.classifications.add(
    {
      documentId: document.id,
      category: item.label.category,
      confidence: 1,
      summary: "",
      evidence: "",
      source: "human",
      ...NO_MODEL_CALL,
      details: { decision: "set", previousClassificationId: null, correctedFrom: null },
      actor: "eval",
      note: null,
    },
    now,
  );
  syncConfirmedExample(store, document.id);
  item.documentId = document.id;
}

async function evaluate(
  options: EvalOptions,
  categories: readonly string[],
  items: readonly Item[],
  item: Item,
  store: Store,
  llm: DocumentClassifier | undefined,
): Promise<EvalCase> {
  const base: EvalCase = {
    file: item.label.file,
    expected: item.label.category,
    predicted: null,
    confidence: null,
    abstained: true,
    source: null,
    extractMs: Math.round(item.extractMs),
    classifyMs: null,
    promptTokens: null,
    outputTokens: null,
    error: item.error,
    examples: [],
  };
  const { config } = options;
  if (item.error || item.text.replace(/\s+/g, "").length < config.extract.minChars) {
    return { ...base, error: item.error ?? "no text" };
  }
  const others = options.learning ? trainingExamples(items, item) : [];
  const source: ConfirmedSource = { version: () => `eval-${item.label.file}`, examples: () => others };
  const builtin = new BuiltinClassifier(categories, () => source);
  const input = { documentId: item.documentId, name: item.name, text: item.text };
  if (options.classifier !== "llm") builtin.model();
  const started = performance.now();
  let decision: ClassificationDecision;
  try {
    if (options.classifier === "builtin") {
      const ranking = builtin.rank(input);
      if (!ranking) throw new Error("the built-in classifier has too little training data");
      decision = builtinDecision(input, ranking);
    } else if (options.classifier === "llm" && llm) {
      decision = await llm.classify(input);
    } else if (llm) {
      decision = await new CascadeClassifier({
        rules: () => [],
        builtin,
        llm,
        fallsBack: () => false,
        neighbours: (i, k) => (options.learning ? exampleFinder(() => store, k)(i) : []),
        settings: config.builtin,
      }).classify(input);
    } else throw new Error("no model");
  } catch (error) {
    return { ...base, classifyMs: Math.round(performance.now() - started), error: errorMessage(error) };
  }
  const examples = Array.isArray(decision.details.examples)
    ? decision.details.examples.flatMap((e: unknown) => {
        const id = typeof e === "object" && e !== null && "documentId" in e ? e.documentId : undefined;
        const file = items.find((other) => other.documentId === id)?.label.file;
        return file ? [file] : [];
      })
    : [];
  return {
    ...base,
    predicted: decision.category,
    confidence: decision.confidence,
    abstained: decision.reviewReason !== undefined || decision.confidence < config.review.minConfidence,
    source: decision.source,
    classifyMs: Math.round(performance.now() - started),
    promptTokens: decision.promptTokens,
    outputTokens: decision.outputTokens,
    examples,
  };
}

function trainingExamples(items: readonly Item[], except: Item): TrainingExample[] {
  return items
    .filter((other) => other !== except && other.text.trim() !== "" && other.documentId !== undefined)
    .map((other) => ({ category: other.label.category, text: other.text, name: other.name }));
}

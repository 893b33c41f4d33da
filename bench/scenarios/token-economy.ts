import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  corpusAvailable,
  LABELED_DIR,
  type Label,
  labelForText,
  loadLabels,
} from "../../tests/support/corpus.js";
import { invoiceAnswer } from "../../tests/support/corpus-model.js";
import { schemaAnswerModel, type TextClassifier } from "../emulator/answer-model.js";
import { verdict } from "../emulator/keyword-classifier.js";
import { type EmulatedCall, type OllamaEmulator, startEmulator } from "../emulator/ollama-emulator.js";
import { docsortSetup, readDocsort, runDocsortOnce, runNaive, scratch } from "../support/harness.js";
import { atLeast, atMost } from "../support/report.js";
import { type ScenarioContext, TAXONOMY } from "./common.js";

const PARALLEL = 2;

/** The corpus model over the text actually sent: right when the label's fingerprint was sent, unsure otherwise. */
function corpusClassifier(labels: readonly Label[]): TextClassifier {
  return (text) => {
    const label = labelForText(labels, text);
    return label?.fingerprint
      ? verdict(text, label.category, 0.93, label.fingerprint)
      : verdict(text, "other", 0.35, "");
  };
}

function corpusServer(labels: readonly Label[]): Promise<OllamaEmulator> {
  return startEmulator({
    answer: schemaAnswerModel(corpusClassifier(labels), (text) => {
      const label = labelForText(labels, text);
      return label?.fields ? invoiceAnswer(label) : undefined;
    }),
    parallel: PARALLEL,
    promptTokenMs: 0.5,
    outputTokenMs: 2.5,
    prefixCache: true,
  });
}

interface Spend {
  calls: number;
  computeMs: number;
  prompt: number;
  cached: number;
  evaluated: number;
  output: number;
}

function spend(calls: readonly EmulatedCall[], kind: EmulatedCall["kind"]): Spend {
  const mine = calls.filter((c) => c.kind === kind && c.status === "ok");
  const sum = (f: (c: EmulatedCall) => number) => mine.reduce((total, c) => total + f(c), 0);
  return {
    calls: mine.length,
    computeMs: sum((c) => c.computeMs),
    prompt: sum((c) => c.promptTokens),
    cached: sum((c) => c.cachedTokens),
    evaluated: sum((c) => c.evaluatedTokens),
    output: sum((c) => c.outputTokens),
  };
}

/**
 * Model compute per classified document on the emulator's cost model (0.5 ms per evaluated prompt token, 2.5 ms
 * per generated token, per-slot prefix cache), on the labeled corpus: docsort on the original files, the naive
 * script on the text docsort extracted from them (every document, attachments included: the same documents).
 * Accuracy is counted on the labeled top-level files. The same docsort run gives the extraction peak memory.
 */
export async function tokenEconomy(ctx: ScenarioContext) {
  const scenario = "token economy (corpus)";
  if (!corpusAvailable) {
    ctx.report.skip(
      scenario,
      "model compute per classified doc",
      `labeled corpus not found at ${LABELED_DIR}`,
    );
    ctx.report.skip(
      "extraction",
      "peak RSS on the labeled corpus",
      `labeled corpus not found at ${LABELED_DIR}`,
    );
    return;
  }
  const labels = loadLabels();
  const dir = scratch("tokens");
  try {
    const server = await corpusServer(labels);
    const setup = docsortSetup(dir.root, server.url, { model: { parallel: PARALLEL } });
    cpSync(LABELED_DIR, setup.inbox, { recursive: true, filter: (src) => !src.endsWith("labels.json") });
    const run = await runDocsortOnce(setup);
    await server.close();
    if (run.code !== 0) throw new Error(`docsort failed: ${run.stderr.slice(-2000)}`);
    const { documents } = readDocsort(setup.home);

    const naiveInbox = path.join(dir.root, "naive-inbox");
    mkdirSync(naiveInbox);
    const db = new Database(path.join(setup.home, "docsort.db"), { readonly: true });
    const texts = db
      .prepare<[], { document_id: number; text: string }>(
        `SELECT e.document_id, e.text FROM extractions e JOIN documents d ON d.id = e.document_id
         WHERE e.id = (SELECT max(id) FROM extractions WHERE document_id = d.id)`,
      )
      .all();
    db.close();
    const classifiedIds = new Set(documents.filter((d) => d.source === "llm").map((d) => d.id));
    for (const { document_id, text } of texts) {
      if (classifiedIds.has(document_id))
        writeFileSync(path.join(naiveInbox, `doc-${document_id}.txt`), text);
    }
    const naiveServer = await corpusServer(labels);
    const naive = await runNaive(dir.root, naiveInbox, [naiveServer.url], PARALLEL, TAXONOMY);
    await naiveServer.close();

    const ours = spend(server.calls, "classify");
    const theirs = spend(naiveServer.calls, "classify");
    const perDoc = ours.calls > 0 ? ours.computeMs / classifiedIds.size : null;
    const naivePerDoc =
      theirs.calls > 0 ? theirs.computeMs / naive.rows.filter((r) => r.category).length : null;
    ctx.report.add({
      scenario,
      figure: `model compute per classified document (${classifiedIds.size} docs)`,
      unit: "ms",
      docsort: perDoc,
      baseline: naivePerDoc,
      baselineOf: "naive",
      check: atMost(perDoc, (naivePerDoc ?? 0) * 0.6, "≤ 0.6× naive"),
    });
    const per = (s: Spend, n: number) => ({
      evaluated: s.evaluated / n,
      cached: s.cached / n,
      output: s.output / n,
    });
    const a = per(ours, Math.max(1, ours.calls));
    const b = per(theirs, Math.max(1, theirs.calls));
    for (const [what, key] of [
      ["prompt tokens evaluated per call", "evaluated"],
      ["prompt tokens from the prefix cache per call", "cached"],
      ["output tokens per call", "output"],
    ] as const) {
      ctx.report.add({
        scenario,
        figure: what,
        unit: "tok",
        docsort: a[key],
        baseline: b[key],
        baselineOf: "naive",
      });
    }
    const labelled = new Map(labels.map((l) => [path.basename(l.file), l.category]));
    const top = documents.filter((d) => d.parent_id === null && labelled.has(d.name));
    const right = top.filter((d) => d.category === labelled.get(d.name)).length;
    const naiveByDoc = new Map(naive.rows.map((r) => [path.basename(r.file), r.category]));
    const naiveRight = top.filter((d) => {
      const category = naiveByDoc.get(`doc-${d.id}.txt`);
      // a document docsort did not send to the model (no text) counts as "other" for the naive script as well
      return (category ?? d.category) === labelled.get(d.name);
    }).length;
    ctx.report.add({
      scenario,
      figure: "accuracy on the labeled corpus (top-level files)",
      unit: `of ${top.length}`,
      docsort: right,
      baseline: naiveRight,
      baselineOf: "naive",
      check: atLeast(right, naiveRight, "≥ naive"),
    });
    const invoices = spend(server.calls, "invoice");
    ctx.report.add({
      scenario,
      figure: `invoice-field calls (${invoices.calls}), compute per call`,
      unit: "ms",
      docsort: invoices.calls > 0 ? invoices.computeMs / invoices.calls : null,
      baseline: null,
      baselineOf: "",
    });
    ctx.report.add({
      scenario: "extraction",
      figure: `peak RSS of the daemon on the labeled corpus (${top.length} files, OCR included)`,
      unit: "MB",
      docsort: run.peakRssMb,
      baseline: naive.peakRssMb,
      baselineOf: "naive (text only)",
      note: `${(run.ms / 1000).toFixed(1)} s`,
    });
  } finally {
    dir.cleanup();
  }
}

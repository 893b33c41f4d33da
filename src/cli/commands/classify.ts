import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import type { ClassificationDecision, DocumentClassifier } from "../../classify/document-classifier.js";
import { ModelCallError } from "../../classify/model-errors.js";
import { DocsortError, errorMessage, UsageError } from "../../errors.js";
import { type ExtractedNode, extractTree } from "../../extract/extract-tree.js";
import type { Extractor } from "../../extract/index.js";
import { inspectFile } from "../../intake/inspect-file.js";
import { registerFile, registerProblem } from "../../intake/register-file.js";
import { recoverOrphans, registerInstance } from "../../pipeline/instance-registry.js";
import { processDocument } from "../../pipeline/process-document.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { Store } from "../../store/store.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine, shown } from "../output/print.js";
import { startProgress } from "../output/progress.js";
import { parseInput } from "../parse-input.js";
import { runRoutedHandlers } from "../run-routed.js";

const classifyOptions = z.object({ dryRun: z.boolean().optional(), json: z.boolean().optional() });

/** One line of the command's output; the same shape with and without --dry-run. */
interface ClassifyReport {
  file: string;
  documentId: number | null;
  parentId: number | null;
  status: string;
  reason: string | null;
  category: string | null;
  confidence: number | null;
  source: string | null;
  summary: string | null;
  evidence: string | null;
  model: string | null;
  promptTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  truncated: boolean;
}

export function registerClassify(program: Command): void {
  program
    .command("classify")
    .description("classify the given files now (stored like inbox files, or not at all with --dry-run)")
    .argument("<files...>", "files to classify")
    .option("--dry-run", "extract and classify, but store nothing")
    .option("--json", "print a JSON array")
    .action(async (files: string[], raw: unknown, command: Command) => {
      const options = parseInput(classifyOptions, raw);
      const paths = files.map(checkFile);
      const app = App.open(globalOptions(command), true, options.dryRun ? "none" : "create");
      const extractor = await app.createExtractor();
      const progress = startProgress("classify", paths.length);
      // a line per document as soon as it is done; with --json, one array at the end
      const report: Reporter = {
        working: (file) => progress.working(path.basename(file)),
        report: (r) => {
          if (!options.json) printLine(describe(r));
        },
        fileDone: () => progress.tick(),
      };
      try {
        const reports = options.dryRun
          ? await dryRun(app, extractor, paths, report)
          : await classifyAndStore(app, extractor, paths, report);
        progress.done();
        if (!options.dryRun) {
          const routed = reports.filter((r) => r.status === "done" && r.documentId !== null);
          await runRoutedHandlers(
            app,
            routed.map((r) => r.documentId ?? 0),
            "classify",
            options.json === true,
          );
        }
        if (options.json) printJson(reports);
        const waiting = reports.find((r) => r.status === "queued");
        if (waiting)
          throw new DocsortError(`not classified: ${waiting.reason ?? "the model is unavailable"}`);
        if (reports.some((r) => r.status === "failed")) markFailed();
      } finally {
        progress.done();
        await extractor.close();
        app.close();
      }
    });
}

function checkFile(file: string): string {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new UsageError(`${file}: no such file.`);
  if (!statSync(resolved).isFile()) throw new UsageError(`${file}: not a file.`);
  return resolved;
}

/** What the command shows while it works: the file in hand, each document's result, each file finished. */
interface Reporter {
  working(file: string): void;
  report(report: ClassifyReport): void;
  fileDone(): void;
}

async function classifyAndStore(
  app: App,
  extractor: Extractor,
  paths: string[],
  reporter: Reporter,
): Promise<ClassifyReport[]> {
  const { store } = app;
  const lease = registerInstance(store, "classify");
  recoverOrphans(store, app.logger, app.config.reliability.maxInterruptions);
  const ctx = app.pipelineContext(
    lease.id,
    extractor,
    app.createGate(() => {}),
    await app.createClassifier(),
  );
  const signal = new AbortController().signal;
  const reports: ClassifyReport[] = [];
  try {
    for (const file of paths) {
      reporter.working(file);
      const inspected = await inspectFile(file, app.config.extract.maxFileBytes);
      if (inspected.kind === "gone" || inspected.kind === "changed")
        throw new UsageError(
          `${file} ${inspected.kind === "gone" ? "is gone" : "changed while it was read"}: try again.`,
        );
      const outcome =
        inspected.kind === "problem"
          ? registerProblem(store, inspected, "docsort classify")
          : registerFile(store, inspected, existsSync, "docsort classify");
      const start = outcome.kind === "duplicate" ? outcome.original : outcome.document;
      const documents = await processDocument(ctx, start.id, signal);
      const stored = [...(outcome.kind === "duplicate" ? [outcome.document] : []), ...documents].map((d) =>
        storedReport(store, d),
      );
      for (const r of stored) reporter.report(r);
      reports.push(...stored);
      reporter.fileDone();
    }
  } finally {
    lease.release();
  }
  return reports;
}

function storedReport(store: Store, document: DocumentRecord): ClassifyReport {
  const c = store.classifications.current(document.duplicateOf ?? document.id);
  return {
    file: document.path,
    documentId: document.id,
    parentId: document.parentId,
    status: document.status,
    reason: document.reason,
    category: c?.category ?? null,
    confidence: c?.confidence ?? null,
    source: c?.source ?? null,
    summary: c?.summary ?? null,
    evidence: c?.evidence ?? null,
    model: c?.model ?? null,
    promptTokens: c?.promptTokens ?? null,
    outputTokens: c?.outputTokens ?? null,
    latencyMs: c?.latencyMs ?? null,
    truncated: c?.truncated ?? false,
  };
}

/** The same extraction and classification, without the store. */
async function dryRun(
  app: App,
  extractor: Extractor,
  paths: string[],
  reporter: Reporter,
): Promise<ClassifyReport[]> {
  const classifier = await app.createClassifier();
  const reports: ClassifyReport[] = [];
  for (const file of paths) {
    reporter.working(file);
    for (const node of await extractTree(extractor, file)) {
      const report = await dryRunNode(app, classifier, node);
      reporter.report(report);
      reports.push(report);
    }
    reporter.fileDone();
  }
  return reports;
}

async function dryRunNode(
  app: App,
  classifier: DocumentClassifier,
  node: ExtractedNode,
): Promise<ClassifyReport> {
  const base = emptyReport(node.label);
  if (node.error) return { ...base, status: "quarantined", reason: node.error.message };
  const text = node.result?.text ?? "";
  if (text.replace(/\s+/g, "").length < app.config.extract.minChars) {
    return { ...base, status: "needs_review", reason: "no text" };
  }
  try {
    const name = node.label.split("#").at(-1) ?? node.label;
    const decision = await classifier.classify({ documentId: undefined, name, text });
    return decisionReport(base, decision, app.config.review.minConfidence);
  } catch (error) {
    if (error instanceof ModelCallError && error.kind === "unavailable") {
      return { ...base, status: "queued", reason: error.message };
    }
    return { ...base, status: "failed", reason: errorMessage(error) };
  }
}

function decisionReport(
  base: ClassifyReport,
  d: ClassificationDecision,
  minConfidence: number,
): ClassifyReport {
  const low = d.confidence < minConfidence;
  const reason =
    d.reviewReason ?? (low ? `low confidence (${d.confidence.toFixed(2)} < ${minConfidence})` : null);
  return {
    ...base,
    status: reason ? "needs_review" : "done",
    reason,
    category: d.category,
    confidence: d.confidence,
    source: d.source,
    summary: d.summary,
    evidence: d.evidence,
    model: d.model,
    promptTokens: d.promptTokens,
    outputTokens: d.outputTokens,
    latencyMs: d.latencyMs,
    truncated: d.truncated,
  };
}

function emptyReport(file: string): ClassifyReport {
  return {
    file,
    documentId: null,
    parentId: null,
    status: "failed",
    reason: null,
    category: null,
    confidence: null,
    source: null,
    summary: null,
    evidence: null,
    model: null,
    promptTokens: null,
    outputTokens: null,
    latencyMs: null,
    truncated: false,
  };
}

function describe(r: ClassifyReport): string {
  const id = r.documentId === null ? "" : `#${r.documentId} `;
  const head = `${id}${shown(r.file)}: ${r.status}`;
  const category = r.category ? ` ${r.category} ${formatConfidence(r.confidence)} (${r.source})` : "";
  const reason = r.reason ? ` — ${shown(r.reason)}` : "";
  const summary = r.summary ? `\n    ${shown(r.summary)}` : "";
  return `${head}${category}${reason}${summary}`;
}

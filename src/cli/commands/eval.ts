import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import type { ExampleFinder } from "../../classify/llm-document-classifier.js";
import { UsageError } from "../../errors.js";
import { EVAL_CLASSIFIERS, type EvalReport, runEval } from "../../eval/eval-runner.js";
import { loadLabels } from "../../eval/labels.js";
import { NONE } from "../../eval/metrics.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine } from "../output/print.js";
import { type Progress, startProgress } from "../output/progress.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const evalOptions = z.object({
  labels: z.string().min(1).optional(),
  classifier: z.enum(EVAL_CLASSIFIERS).default("builtin"),
  learning: z.boolean().default(true),
  json: z.boolean().optional(),
});

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description(
      "classify a labeled folder without side effects and print accuracy, F1, confusion, abstention",
    )
    .argument("<dir>", "folder with the labeled documents")
    .option("--labels <file>", "labels.json: [{ file, category }] (default: DIR/labels.json)")
    .option("--classifier <name>", `${EVAL_CLASSIFIERS.join(" | ")} (default builtin: works offline)`)
    .option("--no-learning", "seed examples only: no leave-one-out confirmed documents")
    .option("--json", "print one JSON object")
    .action(async (dir: string, raw: unknown, command: Command) => {
      const options = parseInput(evalOptions, raw);
      const folder = path.resolve(dir);
      if (!existsSync(folder) || !statSync(folder).isDirectory())
        throw new UsageError(`${dir}: not a folder.`);
      const app = App.open(globalOptions(command), false, "none");
      const extractor = await app.createExtractor();
      try {
        const categories = app.config.taxonomy.map((c) => c.name);
        const labels = loadLabels(
          path.resolve(options.labels ?? path.join(folder, "labels.json")),
          categories,
        );
        const steps = { extract: "eval: reading", classify: "eval: classifying" } as const;
        let progress: Progress | undefined;
        let step: keyof typeof steps | undefined;
        const report = await runEval({
          dir: folder,
          labels,
          classifier: options.classifier,
          learning: options.learning,
          config: app.config,
          extractor,
          createLlm: (findExamples) => createLlm(app, findExamples),
          onProgress: (now, done, total, file) => {
            if (now !== step) {
              progress?.done();
              step = now;
              progress = startProgress(steps[now], total);
            }
            if (done === 0) progress?.working(file);
            else progress?.tick(file);
          },
        }).finally(() => progress?.done());
        if (options.json) printJson(report);
        else printReport(report);
      } finally {
        await extractor.close();
        app.close();
      }
    });
}

async function createLlm(app: App, findExamples: ExampleFinder) {
  const [{ LlmClassifier }, { LlmDocumentClassifier }, { loadPromptTemplate }, { examplePolicy }] =
    await Promise.all([
      import("../../classify/llm-classifier.js"),
      import("../../classify/llm-document-classifier.js"),
      import("../../classify/prompt-template.js"),
      import("../../classify/example-selection.js"),
    ]);
  const llm = new LlmClassifier({
    model: app.config.model,
    categories: app.config.taxonomy,
    prompt: loadPromptTemplate(app.config.prompts, "classify"),
    hosts: app.modelHosts,
    budget: { firstPassTokens: app.config.tokens.firstPass, escalateBelow: app.config.review.minConfidence },
  });
  return new LlmDocumentClassifier(llm, findExamples, examplePolicy(app.config));
}

function printReport(report: EvalReport): void {
  const m = report.metrics;
  const ms = (d: { mean: number; p50: number; p95: number } | null) =>
    d ? `mean ${d.mean} ms, p50 ${d.p50} ms, p95 ${d.p95} ms` : "—";
  printLine(
    `Evaluated ${m.documents} documents with the ${report.classifier} classifier (${report.learning})`,
  );
  printLine(`  accuracy        ${m.accuracy.toFixed(3)} (${m.correct}/${m.documents})`);
  printLine(
    `  abstention      ${m.abstentionRate.toFixed(3)} (${m.abstained} would go to needs_review); accuracy of the rest ${m.decidedAccuracy === null ? "—" : m.decidedAccuracy.toFixed(3)}`,
  );
  printLine(`  extraction      ${ms(m.extractMs)}`);
  printLine(`  classification  ${ms(m.classifyMs)}`);
  if (m.promptTokens && m.outputTokens) {
    printLine(
      `  tokens          prompt ${m.promptTokens.total} (mean ${m.promptTokens.mean}), output ${m.outputTokens.total} (mean ${m.outputTokens.mean})`,
    );
  } else printLine("  tokens          — (no model calls)");
  printLine();
  printLine(
    renderTable(
      ["CATEGORY", "SUPPORT", "PRECISION", "RECALL", "F1"],
      m.perCategory.map((c) => [
        c.category,
        c.support,
        c.precision.toFixed(2),
        c.recall.toFixed(2),
        c.f1.toFixed(2),
      ]),
    ),
  );
  printLine();
  printLine("Confusion matrix (rows: expected, columns: predicted)");
  const columns = [...new Set([...m.perCategory.map((c) => c.category), NONE])].filter((column) =>
    Object.values(m.confusion).some((row) => (row[column] ?? 0) > 0),
  );
  printLine(
    renderTable(
      ["", ...columns.map(abbreviate)],
      Object.entries(m.confusion).map(([expected, row]) => [expected, ...columns.map((c) => row[c] ?? 0)]),
    ),
  );
  const wrong = report.cases.filter((c) => c.predicted !== c.expected);
  if (wrong.length > 0) {
    printLine();
    printLine("Misclassified or not classified");
    for (const c of wrong) {
      printLine(
        `  ${c.file}: ${c.expected} → ${c.predicted ?? NONE}${c.confidence === null ? "" : ` ${formatConfidence(c.confidence)}`}${c.error ? ` (${c.error})` : ""}`,
      );
    }
  }
}

function abbreviate(category: string): string {
  return category.length > 8 ? `${category.slice(0, 7)}.` : category;
}

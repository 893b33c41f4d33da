import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import { type ReclassifyResult, reclassifyDocuments } from "../../review/reclassify.js";
import { CLASSIFICATION_SOURCES } from "../../store/classifications-repo.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { checkCategory } from "../categories.js";
import { resolveDocument } from "../document-id.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine, shown } from "../output/print.js";
import { type Progress, startProgress } from "../output/progress.js";
import { parseInput } from "../parse-input.js";
import { runRoutedHandlers } from "../run-routed.js";

const reclassifyOptions = z.object({
  category: z.string().min(1).optional(),
  source: z.enum(CLASSIFICATION_SOURCES).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
  json: z.boolean().optional(),
});

const VERBS: Record<ReclassifyResult["action"], [string, string]> = {
  route: ["routed", "would be routed"],
  review: ["sent to review", "would go to review"],
  keep: ["unchanged", "unchanged"],
  skip: ["skipped", "skipped"],
  fail: ["failed", "failed"],
};

export function registerReclassify(program: Command): void {
  program
    .command("reclassify")
    .description("classify documents again (after a prompt or model change) and show what changes")
    .argument("[ids...]", "document ids (or select with --category / --source)")
    .option("--category <category>", "documents whose current category is this")
    .option("--source <source>", `documents classified by this source (${CLASSIFICATION_SOURCES.join(", ")})`)
    .option("--status <status>", "documents in this state, e.g. failed (their model answer failed)")
    .option("--dry-run", "classify and show what would change, store nothing")
    .option("--force", "also documents a person decided on (replaces their decision)")
    .option("--json", "print a JSON array")
    .action(async (ids: string[], raw: unknown, command: Command) => {
      const options = parseInput(reclassifyOptions, raw);
      if (ids.length === 0 && !options.category && !options.source && !options.status) {
        throw new UsageError(
          "say which documents: ids, --category CATEGORY, --source SOURCE or --status STATUS.",
        );
      }
      const app = App.open(globalOptions(command), true, "existing");
      let progress: Progress | undefined;
      try {
        if (options.category) checkCategory(app.config, options.category);
        const classifier = await app.createClassifier();
        const dryRun = options.dryRun === true;
        const results = await reclassifyDocuments(
          app.store,
          classifier,
          { ids: ids.map((id) => resolveDocument(app.store, id).id), ...options },
          {
            dryRun,
            force: options.force === true,
            minConfidence: app.config.review.minConfidence,
            minChars: app.config.extract.minChars,
            onSelected: (count) => {
              progress = startProgress("reclassify", count);
            },
            onResult: (result) => {
              if (!options.json) printLine(describe(result, dryRun));
              progress?.tick(result.name);
            },
          },
        );
        progress?.done();
        if (options.json) printJson(results);
        else if (results.length === 0) printLine("no documents match");
        if (results.some((r) => r.action === "fail")) markFailed();
        if (!options.dryRun) {
          const routed = results.filter((r) => r.action === "route").map((r) => r.id);
          await runRoutedHandlers(app, routed, "reclassify", options.json === true);
        }
      } finally {
        progress?.done();
        app.close();
      }
    });
}

function describe(r: ReclassifyResult, dryRun: boolean): string {
  const verdict = (v: ReclassifyResult["before"]) =>
    v ? `${v.category} ${formatConfidence(v.confidence)} (${v.source})` : "—";
  const change = r.after ? `${verdict(r.before)} → ${verdict(r.after)}` : verdict(r.before);
  const verb = VERBS[r.action][dryRun ? 1 : 0];
  return `#${r.id} ${shown(r.name)}: ${change}: ${verb}${r.reason ? ` (${shown(r.reason)})` : ""}`;
}

import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import { type ReclassifyResult, reclassifyDocuments } from "../../review/reclassify.js";
import { CLASSIFICATION_SOURCES } from "../../store/classifications-repo.js";
import { resolveDocument } from "../document-id.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";
import { runRoutedHandlers } from "../run-routed.js";

const reclassifyOptions = z.object({
  category: z.string().min(1).optional(),
  source: z.enum(CLASSIFICATION_SOURCES).optional(),
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
    .option("--dry-run", "classify and show what would change, store nothing")
    .option("--force", "also documents a person decided on (replaces their decision)")
    .option("--json", "print a JSON array")
    .action(async (ids: string[], raw: unknown, command: Command) => {
      const options = parseInput(reclassifyOptions, raw);
      if (ids.length === 0 && !options.category && !options.source) {
        throw new UsageError("say which documents: ids, --category CATEGORY or --source SOURCE.");
      }
      const app = App.open(globalOptions(command));
      try {
        const classifier = await app.createClassifier();
        const results = await reclassifyDocuments(
          app.store,
          classifier,
          { ids: ids.map((id) => resolveDocument(app.store, id).id), ...options },
          {
            dryRun: options.dryRun === true,
            force: options.force === true,
            minConfidence: app.config.review.minConfidence,
            minChars: app.config.extract.minChars,
          },
        );
        if (options.json) printJson(results);
        else if (results.length === 0) printLine("no documents match");
        else for (const result of results) printLine(describe(result, options.dryRun === true));
        if (results.some((r) => r.action === "fail")) process.exitCode = 1;
        if (!options.dryRun) {
          const routed = results.filter((r) => r.action === "route").map((r) => r.id);
          await runRoutedHandlers(app, routed, "reclassify", options.json === true);
        }
      } finally {
        app.close();
      }
    });
}

function describe(r: ReclassifyResult, dryRun: boolean): string {
  const verdict = (v: ReclassifyResult["before"]) =>
    v ? `${v.category} ${formatConfidence(v.confidence)} (${v.source})` : "—";
  const change = r.after ? `${verdict(r.before)} → ${verdict(r.after)}` : verdict(r.before);
  const verb = VERBS[r.action][dryRun ? 1 : 0];
  return `#${r.id} ${r.name}: ${change}: ${verb}${r.reason ? ` (${r.reason})` : ""}`;
}

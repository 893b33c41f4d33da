import { spawnSync } from "node:child_process";
import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { confirmedSource } from "../../classify/build-cascade.js";
import { BuiltinClassifier } from "../../classify/builtin/builtin-classifier.js";
import { UsageError } from "../../errors.js";
import { resolveActor } from "../../review/actor.js";
import { runInteractiveReview } from "../../review/interactive-review.js";
import { buildReviewCard } from "../../review/review-card.js";
import { listReviewQueue } from "../../review/review-queue.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { runRoutedHandlers } from "../run-routed.js";

const reviewOptions = z.object({
  list: z.boolean().optional(),
  json: z.boolean().optional(),
  by: z.string().min(1).optional(),
  wide: z.boolean().optional(),
});

export function registerReview(program: Command): void {
  program
    .command("review")
    .description("review the documents waiting for a person, with the keyboard (or --list them)")
    .option("--list", "print the review queue instead of asking")
    .option("--json", "with --list: print a JSON array")
    .option("--wide", "with --list: every column in full")
    .option("--by <name>", "who decides (default: the OS user name)")
    .addHelpText(
      "after",
      "\nKeys: a accept · c choose another category · s skip · t show the text · u undo your last decision · q quit.\nEvery decision is saved at once; quitting loses nothing.",
    )
    .action(async (raw: unknown, command: Command) => {
      const options = parseInput(reviewOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const { store, config } = app;
        const builtin = new BuiltinClassifier(
          config.taxonomy.map((c) => c.name),
          confirmedSource(() => store),
        );
        if (options.list || options.json) {
          const cards = listReviewQueue(store, config).map((item) => buildReviewCard(store, item, builtin));
          if (options.json) printJson(cards);
          else if (cards.length === 0) printLine("Nothing to review.");
          else {
            const rows = cards.map((c) => [
              c.id,
              `${c.priority ? "★ " : ""}${c.category ?? "—"}`,
              formatConfidence(c.confidence),
              c.source ?? "",
              c.name,
              c.reason,
              c.alternatives.map((a) => a.category).join(", "),
            ]);
            const columns = [
              "ID",
              "CATEGORY",
              "CONF",
              "SOURCE",
              { header: "FILE", flex: true, cut: "middle" as const, pipeMax: 40 },
              { header: "WHY", flex: true, pipeMax: 60 },
              { header: "ALTERNATIVES", flex: true },
            ];
            printLine(renderTable(columns, rows, { wide: options.wide }));
          }
          return;
        }
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          throw new UsageError(
            "docsort review needs a terminal; use docsort review --list, docsort accept ID or docsort set ID CATEGORY.",
          );
        }
        const summary = await runInteractiveReview({
          store,
          config,
          builtin,
          actor: resolveActor(options.by),
          io: { print: (text) => printLine(text), showText: async (title, text) => page(title, text) },
        });
        printLine(
          `${summary.decided} decided, ${summary.skipped} skipped, ${summary.undone} undone; ${summary.remaining} still waiting.`,
        );
        await runRoutedHandlers(app, summary.routed, "review");
      } finally {
        app.close();
      }
    });
}

/** $PAGER (default less) on a terminal; the text itself when no pager can run. */
function page(title: string, text: string): void {
  const pager = process.env.PAGER || "less";
  const [cmd = "less", ...args] = pager.split(/\s+/).filter(Boolean);
  const result = spawnSync(cmd, cmd === "less" && args.length === 0 ? ["-R"] : args, {
    input: `${title}\n\n${text}\n`,
    stdio: ["pipe", "inherit", "inherit"],
  });
  if (result.error || result.status !== 0) printLine(`${title}\n\n${text}`);
}

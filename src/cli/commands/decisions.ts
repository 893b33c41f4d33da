import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { resolveActor } from "../../review/actor.js";
import { decisionReport } from "../../review/decision-report.js";
import {
  acceptDocument,
  type DecisionOutcome,
  setCategory,
  undoDecision,
} from "../../review/human-decisions.js";
import { resolveDocument } from "../document-id.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";
import { runRoutedHandlers } from "../run-routed.js";

const decisionOptions = z.object({
  by: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

/** accept, set and undo: the review queue's decisions for scripts and tests. */
export function registerDecisions(program: Command): void {
  program
    .command("accept")
    .description("confirm the current category of documents (routes those waiting for review)")
    .argument("<ids...>", "document ids")
    .option("--by <name>", "who decides (default: the OS user name)")
    .option("--note <text>", "a note kept with the decision")
    .option("--json", "print a JSON array")
    .action(async (ids: string[], raw: unknown, command: Command) => {
      const options = parseInput(decisionOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const actor = resolveActor(options.by);
        const outcomes = ids.map((id) =>
          acceptDocument(app.store, resolveDocument(app.store, id).id, { actor, note: options.note }),
        );
        if (options.json) printJson(outcomes.map(decisionReport));
        else for (const outcome of outcomes) printLine(describe(outcome, "accepted"));
        await runRoutedHandlers(app, routedIds(outcomes), "accept", options.json === true);
      } finally {
        app.close();
      }
    });

  program
    .command("set")
    .description("set a document's category (a correction is routed to the new category's handlers)")
    .argument("<id>", "document id")
    .argument("<category>", "one of the taxonomy's categories")
    .option("--by <name>", "who decides (default: the OS user name)")
    .option("--note <text>", "a note kept with the decision")
    .option("--json", "print one JSON object")
    .action(async (id: string, category: string, raw: unknown, command: Command) => {
      const options = parseInput(decisionOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const categories = app.config.taxonomy.map((c) => c.name);
        const outcome = setCategory(app.store, resolveDocument(app.store, id).id, category, categories, {
          actor: resolveActor(options.by),
          note: options.note,
        });
        if (options.json) printJson(decisionReport(outcome));
        else printLine(describe(outcome, "set to"));
        await runRoutedHandlers(app, routedIds([outcome]), "set", options.json === true);
      } finally {
        app.close();
      }
    });

  program
    .command("undo")
    .description("undo the last human decision on a document: restores the classification before it")
    .argument("<id>", "document id")
    .option("--by <name>", "who undoes it (default: the OS user name)")
    .option("--note <text>", "a note kept with the undo")
    .option("--json", "print one JSON object")
    .action((id: string, raw: unknown, command: Command) => {
      const options = parseInput(decisionOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const outcome = undoDecision(app.store, resolveDocument(app.store, id).id, {
          actor: resolveActor(options.by),
          note: options.note,
        });
        if (options.json) {
          printJson({
            id: outcome.document.id,
            status: outcome.document.status,
            undoneClassificationId: outcome.undone.id,
            restored: outcome.restored,
          });
        } else {
          printLine(
            `#${outcome.document.id} ${outcome.document.name}: ${outcome.undone.category} undone; back to ${outcome.restored.category} (${outcome.restored.source}), waiting for review`,
          );
        }
      } finally {
        app.close();
      }
    });
}

function routedIds(outcomes: readonly DecisionOutcome[]): number[] {
  return outcomes.filter((o) => (o.route?.runs ?? 0) > 0).map((o) => o.document.id);
}

function describe(outcome: DecisionOutcome, verb: string): string {
  const { document, classification } = outcome;
  const head = `#${document.id} ${document.name}: ${verb} ${classification.category}`;
  if (!outcome.changed) return `${head} (already confirmed; nothing changed)`;
  if (!outcome.route) return `${head} (confirmed)`;
  const runs = outcome.route.runs;
  return `${head}, routed (${runs} handler run${runs === 1 ? "" : "s"})`;
}

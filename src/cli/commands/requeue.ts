import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import { resolveDocument } from "../document-id.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";

const requeueOptions = z.object({ json: z.boolean().optional() });
const REQUEUEABLE = new Set(["failed", "quarantined"]);

export function registerRequeue(program: Command): void {
  program
    .command("requeue")
    .description("put quarantined or failed documents back in the queue, with their counters reset")
    .argument("<ids...>", "document ids (see docsort list --status quarantined)")
    .option("--json", "print the documents as a JSON array")
    .action((ids: string[], raw: unknown, command: Command) => {
      const options = parseInput(requeueOptions, raw);
      const app = App.open(globalOptions(command), false);
      try {
        const documents = ids.map((id) => resolveDocument(app.store, id));
        const wrong = documents.filter((d) => !REQUEUEABLE.has(d.status));
        if (wrong.length > 0) {
          throw new UsageError(
            `only failed or quarantined documents can be requeued: ${wrong.map((d) => `#${d.id} is ${d.status}`).join(", ")}.`,
          );
        }
        const requeued = app.store.transaction(() => documents.map((d) => requeue(app, d)));
        if (options.json) return printJson(requeued);
        for (const d of requeued) printLine(`#${d.id} queued again: docsort watch processes it`);
      } finally {
        app.close();
      }
    });
}

function requeue(app: App, document: DocumentRecord): DocumentRecord {
  return app.store.transition(document.id, {
    to: "queued",
    event: "requeued",
    message: `requeued by a person (was ${document.status}: ${document.reason ?? "no reason"})`,
    patch: {
      claimedBy: null,
      nextAttemptAt: null,
      interruptions: 0,
      modelFailures: 0,
      firstModelFailureAt: null,
    },
  });
}

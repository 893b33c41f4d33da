import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { RUN_STATUSES } from "../../store/handler-runs-repo.js";
import { resolveDocument } from "../document-id.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const runsOptions = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  document: z.string().optional(),
  limit: z.coerce.number().int().positive().default(100),
  json: z.boolean().optional(),
  wide: z.boolean().optional(),
});

export function registerRuns(program: Command): void {
  program
    .command("runs")
    .description("handler runs (the outbox), newest first, with their last error")
    .option("--status <status>", `only this status (${RUN_STATUSES.join(", ")})`)
    .option("--document <id>", "only the runs of this document")
    .option("--limit <n>", "at most this many (default 100)")
    .option("--json", "print a JSON array")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(runsOptions, raw);
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const documentId = options.document ? resolveDocument(app.store, options.document).id : undefined;
        const runs = app.store.handlerRuns.list({ status: options.status, documentId, limit: options.limit });
        if (options.json) {
          printJson(runs);
          return;
        }
        if (runs.length === 0) {
          printLine("no handler runs");
          return;
        }
        const rows = runs.map((r) => [
          r.id,
          r.status,
          r.handlerName,
          r.trigger,
          r.documentId,
          r.attempts,
          r.status === "failed" || r.status === "pending"
            ? (r.nextAttemptAt ?? "").replace("T", " ").slice(0, 19)
            : "",
          r.lastError ?? "",
        ]);
        const columns = [
          "RUN",
          "STATUS",
          { header: "HANDLER", flex: true },
          "TRIGGER",
          "DOC",
          "TRIES",
          "NEXT ATTEMPT",
          { header: "LAST ERROR", flex: true, pipeMax: 70 },
        ];
        printLine(renderTable(columns, rows, { wide: options.wide }));
      } finally {
        app.close();
      }
    });
}

import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import { describeRun } from "../../handlers/describe-run.js";
import { requeueRuns, runToRetry } from "../../handlers/retry-runs.js";
import { runNow } from "../../handlers/run-now.js";
import type { HandlerRunRecord } from "../../store/handler-runs-repo.js";
import type { Store } from "../../store/store.js";
import { resolveDocument } from "../document-id.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { startProgress } from "../output/progress.js";
import { parseInput } from "../parse-input.js";

const retryOptions = z.object({
  document: z.string().optional(),
  dead: z.boolean().optional(),
  json: z.boolean().optional(),
});
const runIdSchema = z.coerce.number().int().positive();

export function registerRetry(program: Command): void {
  program
    .command("retry")
    .description("re-queue failed or dead handler runs with fresh attempts, and run them now")
    .argument("[run]", "a run id (see docsort runs)")
    .option("--document <id>", "every failed or dead run of this document")
    .option("--dead", "every dead run")
    .option("--json", "print the runs as a JSON array")
    .action(async (runArg: string | undefined, raw: unknown, command: Command) => {
      const options = parseInput(retryOptions, raw);
      const chosen = [runArg !== undefined, options.document !== undefined, options.dead === true].filter(
        Boolean,
      );
      if (chosen.length !== 1) throw new UsageError("give one of: a run id, --document ID, or --dead.");
      const app = App.open(globalOptions(command), false, "existing");
      try {
        const selected = select(app.store, runArg, options.document, options.dead === true);
        if (selected.length === 0) {
          printLine("nothing to retry");
          return;
        }
        const requeued = requeueRuns(app.store, selected);
        const progress = startProgress("retry", requeued.length);
        const finished = await runNow(
          app,
          [...new Set(requeued.map((r) => r.documentId))],
          "retry",
          (run) => {
            if (!options.json) printLine(describeRun(run));
            progress.tick(run.handlerName);
          },
        ).finally(() => progress.done());
        const retriedIds = new Set(requeued.map((r) => r.id));
        const results = requeued.map(
          (r) => finished.find((f) => f.id === r.id) ?? app.store.handlerRuns.get(r.id) ?? r,
        );
        if (options.json) printJson(results);
        else {
          for (const run of results.filter((r) => !finished.some((f) => f.id === r.id)))
            printLine(
              `run #${run.id} ${run.handlerName}: re-queued (${run.status}); a running docsort watch takes it`,
            );
        }
        if (results.some((r) => retriedIds.has(r.id) && (r.status === "failed" || r.status === "dead")))
          markFailed();
      } finally {
        app.close();
      }
    });
}

function select(
  store: Store,
  runArg: string | undefined,
  document: string | undefined,
  dead: boolean,
): HandlerRunRecord[] {
  if (runArg !== undefined) {
    const parsed = runIdSchema.safeParse(runArg.replace(/^#/, ""));
    if (!parsed.success)
      throw new UsageError(`"${runArg}" is not a run id (a whole number, see docsort runs).`);
    return [runToRetry(store, parsed.data)];
  }
  if (document !== undefined) {
    const id = resolveDocument(store, document).id;
    return store.handlerRuns.forDocument(id).filter((r) => r.status === "failed" || r.status === "dead");
  }
  return dead ? store.handlerRuns.list({ status: "dead" }) : [];
}

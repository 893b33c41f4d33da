import type { App } from "../app.js";
import { runNow } from "../handlers/run-now.js";
import { printLine } from "./output/print.js";

/**
 * A command that routed documents runs their handler runs right away, so the user sees the outcome without a
 * daemon; what fails stays in the outbox and is retried by `docsort watch` (or `docsort retry`).
 */
export async function runRoutedHandlers(
  app: App,
  documentIds: readonly number[],
  command: string,
  quiet = false,
): Promise<void> {
  if (documentIds.length === 0) return;
  const runs = await runNow(app, documentIds, command);
  if (quiet || runs.length === 0) return;
  const failed = runs.filter((run) => run.status !== "succeeded");
  printLine(
    `${runs.length} handler run${runs.length === 1 ? "" : "s"}: ${runs.length - failed.length} succeeded` +
      (failed.length > 0 ? `, ${failed.length} failed (see docsort runs)` : ""),
  );
  if (failed.length > 0) process.exitCode = 1;
}

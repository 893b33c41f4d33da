import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import type { Store } from "../store/store.js";

/** One line per finished attempt, for the daemon's output and CLI commands. */
export function describeRun(run: HandlerRunRecord): string {
  const head = `run #${run.id} ${run.handlerName} (${run.trigger}) for document #${run.documentId}: ${run.status}`;
  if (run.status === "succeeded") return `${head}${run.output ? ` — ${firstLine(run.output)}` : ""}`;
  if (run.status === "failed")
    return `${head} (attempt ${run.attempts}: ${run.lastError ?? "?"}); next attempt at ${run.nextAttemptAt}`;
  if (run.status === "dead") return `${head} after ${run.attempts} attempt(s): ${run.lastError ?? "?"}`;
  return head;
}

/** What `watch --once` says before it exits: runs that wait for a retry are not waited for. */
export function waitingRunsNote(store: Store, now: string): string | undefined {
  const { count, nextAt } = store.handlerRuns.waiting(now);
  if (count === 0) return undefined;
  return `${count} handler run(s) wait for a retry (next at ${nextAt}); docsort watch runs them when they are due, or run docsort retry`;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import type { Store } from "../store/store.js";

/** One line per finished attempt, for the daemon's output and CLI commands. */
export function describeRun(run: HandlerRunRecord): string {
  const head = `run #${run.id} ${run.handlerName} (${run.trigger}) for document #${run.documentId}: ${run.status}`;
  if (run.status === "succeeded") return `${head}${run.output ? ` — ${firstLine(run.output)}` : ""}`;
  if (run.status === "failed")
    return `${head} (attempt ${run.attempts}: ${run.lastError ?? "?"}); ${nextAttempt(run.nextAttemptAt)}`;
  if (run.status === "dead") return `${head} after ${run.attempts} attempt(s): ${run.lastError ?? "?"}`;
  return head;
}

/** What `watch --once` says before it exits: runs that wait for a retry are not waited for. */
export function waitingRunsNote(store: Store, now: string): string | undefined {
  const { count, nextAt } = store.handlerRuns.waiting(now);
  if (count === 0) return undefined;
  return `${count} handler run(s) wait for a retry (next at ${nextAt}); docsort watch runs them when they are due, or run docsort retry`;
}

function nextAttempt(at: string | null, now = Date.now()): string {
  if (!at) return "retried later";
  const seconds = Math.max(0, Math.round((Date.parse(at) - now) / 1000));
  return seconds < 120 ? `retrying in ${seconds} s` : `retrying at ${at.replace("T", " ").slice(0, 19)} UTC`;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

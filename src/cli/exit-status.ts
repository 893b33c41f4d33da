import type { HandlerRunRecord } from "../store/handler-runs-repo.js";

/**
 * The exit codes of every command (README, "Exit codes"): 0 the work was done; 1 the work, or one of the handler
 * runs it started, failed; 2 bad usage or bad input (nothing was done). Errors thrown as DocsortError carry theirs;
 * a command that goes on after a failure calls {@link markFailed} and exits 1 at the end.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The work (or a handler run) failed; the command finishes what it can and exits 1, unless it is already 2. */
export function markFailed(): void {
  if (process.exitCode !== EXIT.usage) process.exitCode = EXIT.failed;
}

/** Handler runs a command ran itself: any that did not succeed makes the command exit 1. */
export function markFailedRuns(runs: readonly Pick<HandlerRunRecord, "status">[]): number {
  const failed = runs.filter((run) => run.status !== "succeeded").length;
  if (failed > 0) markFailed();
  return failed;
}

import type { DocsortProcess, RunResult } from "./run-docsort.js";

/** Stops a docsort child like Ctrl-C would (SIGTERM); one that does not exit within `graceMs` is killed. */
export async function stopDocsort(running: DocsortProcess, graceMs = 15_000): Promise<RunResult> {
  if (running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill("SIGTERM");
    const timer = setTimeout(() => running.child.kill("SIGKILL"), graceMs);
    try {
      return await running.exited;
    } finally {
      clearTimeout(timer);
    }
  }
  return running.exited;
}

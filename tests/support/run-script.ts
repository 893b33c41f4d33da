import { type ChildProcessByStdio, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { tempDir } from "./temp-dir.js";

export interface CommandResult {
  /** The exit code, or a note that the process was killed for running too long. */
  code: number | null | string;
  stdout: string;
  stderr: string;
}

/** Runs an ES module script with tsx (stdout trimmed); a process still running after `timeoutMs` is killed and reported. */
export async function runScript(code: string, timeoutMs: number): Promise<CommandResult> {
  const dir = tempDir();
  try {
    const file = path.join(dir.path, "script.mts");
    writeFileSync(file, code);
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: process.cwd(), stdio: "pipe" });
    const result = await outcome(child, timeoutMs);
    return { ...result, stdout: result.stdout.trim() };
  } finally {
    dir.cleanup();
  }
}

/** Runs `file` with `args` (no shell, stdin empty), its output kept as written; killed after `timeoutMs`. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<CommandResult> {
  const child = spawn(file, args, { cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  return outcome(child, options.timeoutMs);
}

async function outcome(
  child: ChildProcessByStdio<Writable | null, Readable, Readable>,
  timeoutMs: number,
): Promise<CommandResult> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += String(chunk)));
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  clearTimeout(timer);
  return { code: signal === "SIGKILL" ? `still running after ${timeoutMs} ms` : code, stdout, stderr };
}

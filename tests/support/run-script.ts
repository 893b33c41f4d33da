import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./temp-dir.js";

/** Runs an ES module script with tsx; a process still running after `timeoutMs` is killed and reported. */
export async function runScript(code: string, timeoutMs: number) {
  const dir = tempDir();
  try {
    const file = path.join(dir.path, "script.mts");
    writeFileSync(file, code);
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: process.cwd(), stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const [code_, signal] = (await once(child, "exit")) as [number | null, string | null];
    clearTimeout(timer);
    return {
      code: signal === "SIGKILL" ? `still running after ${timeoutMs} ms` : code_,
      stdout: stdout.trim(),
      stderr,
    };
  } finally {
    dir.cleanup();
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { epochNow } from "../emulator/ollama-emulator.js";

/** A child process whose peak resident memory (VmHWM, Linux /proc) is sampled until it exits. */
export interface Measured {
  readonly child: ChildProcess;
  /** Epoch ms just before spawn. */
  readonly startedAt: number;
  stdout: string;
  stderr: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<MeasuredExit>;
}

export interface MeasuredExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Epoch ms when the exit was seen. */
  exitedAt: number;
  ms: number;
  peakRssMb: number;
}

/** Children still running: killed with their process groups if the bench itself exits or is interrupted. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });
}

function peakRssKb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function startMeasured(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Measured {
  const startedAt = epochNow();
  const child = spawn(command, [...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  let peakKb = 0;
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, peakRssKb(child.pid));
  }, 25);
  const measured: Measured = {
    child,
    startedAt,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => {
      child.on("close", (code, signal) => {
        running.delete(child);
        clearInterval(timer);
        const exitedAt = epochNow();
        resolve({ code, signal, exitedAt, ms: exitedAt - startedAt, peakRssMb: peakKb / 1024 });
      });
    }),
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    measured.stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    measured.stderr += chunk;
  });
  return measured;
}

/** Runs to completion; a process still running after `timeoutMs` is killed with its process group. */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<MeasuredExit & { stdout: string; stderr: string }> {
  const running = startMeasured(command, args, options);
  const timer = setTimeout(() => killGroup(running.child), options.timeoutMs ?? 300_000);
  const exit = await running.exited;
  clearTimeout(timer);
  return { ...exit, stdout: running.stdout, stderr: running.stderr };
}

/** SIGKILL to the child's process group (it was started detached, as its own group leader). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { epochNow } from "../emulator/ollama-emulator.js";

/**
 * A child process whose peak resident memory is sampled until it exits: the sum over the process and all its
 * descendants (docsort's extraction processes), as extract.maxMemoryMb counts it.
 */
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
  /** Peak of the whole process tree's resident memory (sum of VmRSS, sampled), at least the process's own VmHWM. */
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

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Whether the kernel lists a task's children in /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN). */
const HAS_CHILDREN_FILES = (() => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false;
  }
})();

/** Parent pid → child pids, from the 4th field of every /proc/PID/stat (proc(5)). */
function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // the command name may hold spaces and parentheses: the fields after the last ")" are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      map.set(ppid, [...(map.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function childrenFromTasks(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(" ")
        .filter((p) => p.trim() !== "")
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** The process and all its descendants (Linux /proc). */
export function processTree(root: number): number[] {
  const byParent = HAS_CHILDREN_FILES ? undefined : childrenByParent();
  const tree: number[] = [];
  for (const pending = [root]; pending.length > 0; ) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(byParent ? (byParent.get(pid) ?? []) : childrenFromTasks(pid)));
  }
  return tree;
}

/** Resident memory of a process and its descendants now, in kB. */
export function treeRssKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  return processTree(pid).reduce((sum, p) => sum + statusKb(p, "VmRSS"), 0);
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
    if (child.pid === undefined) return;
    peakKb = Math.max(peakKb, treeRssKb(child.pid), statusKb(child.pid, "VmHWM"));
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

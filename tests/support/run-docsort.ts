import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitUntil } from "./wait.js";

export const DOCSORT_BIN = fileURLToPath(new URL("../../dist/docsort.cjs", import.meta.url));

export interface DocsortEnv {
  home: string;
  inbox: string;
  ollamaHost: string;
  cwd?: string;
  extra?: Record<string, string>;
  /** Run as this user (tests running as root check what an ordinary user meets). */
  user?: { uid: number; gid: number };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function environment(env: DocsortEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCSORT_HOME: env.home,
    DOCSORT_INBOX: env.inbox,
    OLLAMA_HOST: env.ollamaHost,
    NO_COLOR: "1",
    ...env.extra,
  };
}

const running = new Set<DocsortProcess>();

/**
 * The built CLI as a child process, exactly as a user runs it (npm test builds dist/ first). It leads its own
 * process group, so a kill reaches whatever it started (extraction processes, handler commands); every process
 * still running when the test file ends is killed with its group.
 */
export function startDocsort(args: string[], env: DocsortEnv): DocsortProcess {
  const child = spawn(process.execPath, [DOCSORT_BIN, ...args], {
    cwd: env.cwd ?? env.home,
    env: environment(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...(env.user ? { uid: env.user.uid, gid: env.user.gid } : {}),
  });
  const log = path.join(env.home, "logs", "docsort.log");
  const started = new DocsortProcess(child, log, existsSync(log) ? statSync(log).size : 0);
  running.add(started);
  const ended = () => {
    running.delete(started);
    // anything the process left behind in its group (it was killed before it could stop its children)
    if (child.pid !== undefined) killGroup(child.pid);
  };
  started.exited.then(ended, ended);
  return started;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is gone
  }
}

/** Kills every docsort process a test started and has not waited for, with its process group. */
export function killAllDocsort(): void {
  for (const process of running) process.kill("SIGKILL");
}

export async function runDocsort(args: string[], env: DocsortEnv, timeoutMs = 180_000): Promise<RunResult> {
  const started = startDocsort(args, env);
  const timer = setTimeout(() => started.kill("SIGKILL"), timeoutMs);
  try {
    return await started.exited;
  } finally {
    clearTimeout(timer);
  }
}

export class DocsortProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<RunResult>;

  constructor(
    readonly child: ChildProcess,
    private readonly logFile = "",
    private readonly logOffset = 0,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      child.on("close", (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
      // the process never started (no such working folder, say): fail the test now, not at its timeout
      child.on("error", reject);
    });
  }

  /**
   * Signals the process; SIGKILL goes to its whole process group (the daemon and the processes it started),
   * as when the machine kills it. Other signals go to docsort alone, which stops its children itself.
   */
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (signal === "SIGKILL") {
      killGroup(pid);
      return;
    }
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL for the group if it has not ended within `graceMs`. */
  async stop(graceMs = 20_000): Promise<RunResult> {
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.kill("SIGKILL");
    }
  }

  /** Until `docsort watch` has started watching (its log says so): files dropped now are seen by the watcher. */
  async waitForWatching(timeoutMs = 120_000): Promise<void> {
    await waitUntil(
      () => {
        if (this.child.exitCode !== null)
          throw new Error(`docsort exited early:\n${this.stdout}\n${this.stderr}`);
        if (!existsSync(this.logFile)) return false;
        return /"msg":"watching /.test(readFileSync(this.logFile).subarray(this.logOffset).toString("utf8"));
      },
      "docsort watch to start watching",
      timeoutMs,
    );
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout + this.stderr)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (this.child.exitCode !== null)
        throw new Error(`docsort exited early:\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

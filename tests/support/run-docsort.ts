import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const DOCSORT_BIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export interface DocsortEnv {
  home: string;
  inbox: string;
  ollamaHost: string;
  cwd?: string;
  extra?: Record<string, string>;
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

/** The built CLI as a child process, exactly as a user runs it (npm test builds dist/ first). */
export function startDocsort(args: string[], env: DocsortEnv): DocsortProcess {
  const child = spawn(process.execPath, [DOCSORT_BIN, ...args], {
    cwd: env.cwd ?? env.home,
    env: environment(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new DocsortProcess(child);
}

export async function runDocsort(args: string[], env: DocsortEnv, timeoutMs = 120_000): Promise<RunResult> {
  const running = startDocsort(args, env);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), timeoutMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

export class DocsortProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<RunResult>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
    });
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
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

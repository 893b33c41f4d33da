import { spawn } from "node:child_process";
import type { CommandRequest, CommandResult } from "./effects.js";

const KILL_GRACE_MS = 2000;

/**
 * Runs an executable with an argument list — never through a shell — with the event JSON on stdin. Output is
 * captured up to a cap; past the timeout the process gets SIGTERM, then SIGKILL.
 */
export function runCommand(request: CommandRequest, signal: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: request.env,
      shell: false,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout = new CappedText(request.maxOutputChars);
    const stderr = new CappedText(request.maxOutputChars);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, request.timeoutMs);
    signal.addEventListener("abort", stop, { once: true });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.add(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.add(chunk));
    child.stdin.on("error", () => {
      // the program did not read its stdin: that is its right
    });
    child.stdin.end(request.stdin);
    child.on("error", (error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      reject(error);
    });
    child.on("close", (exitCode, closeSignal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      signal.removeEventListener("abort", stop);
      resolve({ exitCode, signal: closeSignal, timedOut, stdout: stdout.text, stderr: stderr.text });
    });
  });
}

class CappedText {
  private value = "";
  private dropped = 0;
  constructor(private readonly max: number) {}

  add(chunk: string): void {
    const room = this.max - this.value.length;
    if (room > 0) this.value += chunk.slice(0, room);
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  get text(): string {
    return this.dropped > 0 ? `${this.value}\n[… ${this.dropped} more characters not kept]` : this.value;
  }
}

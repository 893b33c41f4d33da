import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./temp-dir.js";

/**
 * A real terminal for tests: one tmux pane (its own server on a private socket) running a command, read back with
 * capture-pane. tmux is what the users run docsort in, and it reflows the screen on a resize like VTE,
 * iTerm2 and xterm.js do. CI installs it (.ci/run); without it the test fails and says so.
 */
export class TmuxPane {
  private readonly dir = tempDir("docsort-tmux-");
  private readonly socket = path.join(this.dir.path, "tmux.sock");
  private readonly statusFile = path.join(this.dir.path, "exit-status");
  private closed = false;

  private constructor() {}

  /** Starts `argv` (no shell: tmux runs it through `env`) in a detached pane of `columns` × `rows`. */
  static start(
    argv: readonly string[],
    options: { columns: number; rows: number; env: Record<string, string>; cwd: string },
  ): TmuxPane {
    const which = spawnSync("tmux", ["-V"], { encoding: "utf8" });
    if (which.error || which.status !== 0)
      throw new Error("tmux is needed for the terminal tests: apt-get install tmux (.ci/run does it)");
    const pane = new TmuxPane();
    const env = Object.entries(options.env).map(([key, value]) => `${key}=${value}`);
    // a config file, not set-option: history-limit applies to windows created after it is set
    const conf = path.join(pane.dir.path, "tmux.conf");
    writeFileSync(conf, "set -g history-limit 50000\nset -g remain-on-exit on\n");
    pane.tmux(
      "-f",
      conf,
      "new-session",
      "-d",
      "-s",
      "test",
      "-x",
      String(options.columns),
      "-y",
      String(options.rows),
      "-c",
      options.cwd,
      "env",
      "-i",
      ...env,
      // tmux sometimes marks a pane dead before it has the exit status (pane_dead_status stays empty), so a
      // shell records it: `trap` keeps the shell alive through a Ctrl-C meant for the program (a trap, unlike an
      // ignored signal, is not inherited), and it writes the program's status once it has ended
      "/bin/sh",
      "-c",
      'status=$1; shift; trap : INT; "$@"; echo $? > "$status"',
      "sh",
      pane.statusFile,
      ...argv,
    );
    return pane;
  }

  /** Sets the pane's width (and height): the program gets SIGWINCH, the screen is reflowed like a real terminal's. */
  resize(columns: number, rows?: number): void {
    this.tmux("resize-window", "-t", "test", "-x", String(columns), ...(rows ? ["-y", String(rows)] : []));
  }

  /** Keys as tmux names them ("C-c", "q", "Enter"). */
  sendKeys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "test", ...keys);
  }

  /** The visible rows, as the terminal shows them (trailing spaces removed). */
  screen(): string[] {
    return this.tmux("capture-pane", "-p", "-t", "test").replace(/\n$/, "").split("\n");
  }

  /** Every row from the top of the history to the bottom of the screen; soft-wrapped rows joined (-J). */
  history(): string[] {
    return this.tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "test")
      .replace(/\n$/, "")
      .split("\n");
  }

  width(): number {
    return Number(this.tmux("display-message", "-p", "-t", "test", "#{pane_width}").trim());
  }

  /** True once the program in the pane has exited (its status recorded). */
  exited(): boolean {
    return existsSync(this.statusFile) && readFileSync(this.statusFile, "utf8").endsWith("\n");
  }

  /** The exit code of the program in the pane (128 + n when signal n ended it), or undefined while it runs. */
  exitStatus(): number | undefined {
    return this.exited() ? Number(readFileSync(this.statusFile, "utf8").trim()) : undefined;
  }

  async waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; ${this.processState()}; the screen:\n${this.screen().join("\n")}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Whether the pane's program still runs, and if so what it is doing (`ps`): for a failure message. */
  private processState(): string {
    const [dead = "", pid = ""] = this.tmux("display-message", "-p", "-t", "test", "#{pane_dead}|#{pane_pid}")
      .trim()
      .split("|");
    if (dead === "1") return `the pane is dead (exit status ${String(this.exitStatus())})`;
    const ps = spawnSync("ps", ["-o", "pid,stat,wchan:20,etime,time,args", "--pid", pid, "--ppid", pid], {
      encoding: "utf8",
    });
    return `the program is still running:\n${ps.stdout.trim()}`;
  }

  /** Kills the tmux server and with it the program in the pane (and its process group). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
    this.dir.cleanup();
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
  }
}

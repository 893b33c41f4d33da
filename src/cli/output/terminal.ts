import ansiEscapes from "ansi-escapes";
import { directOutput } from "./direct-output.js";
import { displayText } from "./display-text.js";
import { textWidth } from "./text-width.js";

/** What the terminal writes to: process.stdout / process.stderr, or a test double with the same fields. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  on?(event: "resize", listener: () => void): unknown;
  off?(event: "resize", listener: () => void): unknown;
}

/** Where a line of text can be sent: the logger's console output goes through the terminal like this. */
export interface LineSink {
  write(text: string): unknown;
}

export interface TerminalOptions {
  /** Shortest time between two redraws of the live line (ms). */
  redrawMs?: number;
  /** TERM=dumb (Emacs shells, some CI logs) gets no live line. */
  env?: NodeJS.ProcessEnv;
  /** Hide the cursor while the live line is shown. */
  hideCursor?: boolean;
}

// DECAWM (DEC private mode 7): with auto-wrap off, a line that is too long for the terminal is clipped at the edge
// instead of wrapping onto a second row that a redraw would not erase. xterm ctlseqs, "CSI ? Pm l".
const WRAP_OFF = "\u001b[?7l";
const WRAP_ON = "\u001b[?7h";
/**
 * Erases the live line and everything below it, leaving the cursor at column 0 of its row. The cursor rests at the
 * start of the live line, so when a terminal reflows the screen on a resize (tmux, VTE, xterm.js, iTerm2 do) the
 * pieces of the old line are all at or below the cursor: erase-below removes every piece, whatever the new width.
 * The erase starts at column 1 after the row is cleared, because tmux treats erase-below at the top-left corner as
 * "clear screen" and scrolls the screen into its history first (its scroll-on-clear option).
 */
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const ERASE_LIVE = `\r${ansiEscapes.eraseLine}${ansiEscapes.cursorForward(1)}${ansiEscapes.eraseDown}\r`;

/**
 * The process's terminal: result lines on stdout, messages on stderr and, when stderr is a terminal, one live line
 * (the watcher's status, a progress bar) kept below them. Every line is written above the live line, which is cut to
 * the terminal's width and redrawn in place, also after a resize. Without a terminal there is no live line at all:
 * pipes and log files get plain lines only. Document-derived text is escaped on the way out ({@link displayText}).
 */
export class Terminal {
  /** True when a live line is drawn: stderr is a terminal (and TERM is not "dumb"). */
  readonly live: boolean;
  private text: string | undefined;
  private shown = false;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly redrawMs: number;
  private readonly hideCursor: boolean;
  private readonly onResize = () => this.draw();
  private readonly onExit = () => this.clearStatus();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.clearStatus();
    // the default action (end the process) unless the command handles the signal itself (watch stops cleanly)
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  constructor(
    private readonly stdout: TerminalStream,
    private readonly stderr: TerminalStream,
    options: TerminalOptions = {},
  ) {
    const env = options.env ?? process.env;
    this.live = stderr.isTTY === true && env.TERM !== "dumb";
    this.redrawMs = options.redrawMs ?? 80;
    this.hideCursor = options.hideCursor ?? true;
  }

  /** Columns of the terminal the live line is on (80 when it cannot tell). */
  get columns(): number {
    const columns = this.stderr.columns;
    return columns !== undefined && columns > 0 ? columns : 80;
  }

  /** Whether stdout is a terminal: tables are fitted to its width, pipes get every character. */
  get stdoutIsTerminal(): boolean {
    return this.stdout.isTTY === true;
  }

  /** Text on stdout (a newline is added), above the live line. */
  out(text: string): void {
    this.above(this.stdout, text, this.stdout.isTTY === true);
  }

  /** Data on stdout exactly as given (JSON, CSV: no escaping, no newline added), above the live line. */
  data(text: string): void {
    this.above(this.stdout, text, this.stdout.isTTY === true, false);
  }

  /** Text on stderr (a newline is added), above the live line. */
  err(text: string): void {
    this.above(this.stderr, text, true);
  }

  /** A sink for the logger's console lines: they arrive with their newline and go above the live line. */
  readonly errSink: LineSink = {
    write: (text: string) => {
      this.err(text.endsWith("\n") ? text.slice(0, -1) : text);
      return true;
    },
  };

  /** Sets the live line (redrawn at most every `redrawMs`); `undefined` removes it. No-op without a terminal. */
  status(text: string | undefined): void {
    if (!this.live) return;
    if (text === undefined) {
      this.clearStatus();
      return;
    }
    this.text = text;
    const wait = this.lastDraw + this.redrawMs - Date.now();
    if (wait <= 0 || !this.shown) this.draw();
    else this.timer ??= setTimeout(() => this.draw(), wait).unref();
  }

  /** Removes the live line from the screen and shows the cursor again. */
  clearStatus(): void {
    this.text = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.shown) return;
    this.shown = false;
    this.stderr.off?.("resize", this.onResize);
    process.off("exit", this.onExit);
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.stderr.write(`${ERASE_LIVE}${this.hideCursor ? ansiEscapes.cursorShow : ""}`);
  }

  private above(stream: TerminalStream, text: string, sharesScreen: boolean, asText = true): void {
    const line = asText ? `${displayText(text)}\n` : text;
    if (!this.shown || !sharesScreen) {
      stream.write(line);
      return;
    }
    this.stderr.write(ERASE_LIVE);
    stream.write(line);
    this.draw();
  }

  private draw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.text === undefined) return;
    if (!this.shown) {
      this.shown = true;
      this.stderr.on?.("resize", this.onResize);
      // first in line, so the line is gone before a command's own handler prints anything
      process.once("exit", this.onExit);
      for (const signal of SIGNALS) process.prependOnceListener(signal, this.onSignal);
      if (this.hideCursor) this.stderr.write(ansiEscapes.cursorHide);
    }
    // one column stays free: a line that ends in the last column leaves the cursor in a pending wrap
    const single = displayText(this.text).replace(/[\n\t]/g, " ");
    const line = textWidth().truncate(single, Math.max(1, this.columns - 1));
    this.stderr.write(`${ERASE_LIVE}${WRAP_OFF}${line}${WRAP_ON}\r`);
    this.lastDraw = Date.now();
  }
}

let processTerminal: Terminal | undefined;
let direct = false;

/** The terminal of this process (stdout and stderr). */
export function terminal(): Terminal {
  processTerminal ??= new Terminal(
    (direct && directOutput(1)) || process.stdout,
    (direct && directOutput(2)) || process.stderr,
  );
  return processTerminal;
}

/**
 * For a command that prints its result and ends: the terminal writes to pipes and files directly
 * (direct-output.ts), not through Node's streams. Call before the first output.
 */
export function useDirectOutput(): void {
  direct = true;
}

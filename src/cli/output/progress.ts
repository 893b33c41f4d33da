import { displayValue } from "./display-text.js";
import { type Terminal, terminal } from "./terminal.js";

export interface Progress {
  /** One more item done; `current` names what comes next (a file name), shown after the figures. */
  tick(current?: string): void;
  /** Names what is being worked on now, without counting an item. */
  working(current: string): void;
  /** Removes the bar (or spinner line). Safe to call twice. */
  done(): void;
}

const BAR_CELLS = 20;
const SPINNER_MS = 250;
/** Work that ends sooner than this shows no progress at all (no flash of a line that is gone at once). */
const SHOW_AFTER_MS = 300;

/**
 * Progress of a command that can take more than a second, on the terminal's live line (stderr), from 300 ms on
 * (quicker work shows none): with a `total`, a bar with the count, the rate and the time left
 * (`classify  12/200 ━━━━──── 6% · 3.1/s · 1m 01s left · x.pdf`); without one, the elapsed time. Without a terminal
 * it shows nothing at all, so pipes and logs get only the results. Rate and time left are the averages since the
 * start: steady, and right for the long runs they are for.
 */
export function startProgress(
  label: string,
  total?: number,
  options: { term?: Terminal; delayMs?: number } = {},
): Progress {
  const term = options.term ?? terminal();
  if (!term.live || total === 0) return { tick() {}, working() {}, done() {} };
  const started = Date.now();
  const delayMs = options.delayMs ?? SHOW_AFTER_MS;
  let completed = 0;
  let current = "";
  const render = () => {
    const elapsedMs = Date.now() - started;
    if (elapsedMs >= delayMs) term.status(progressLine({ label, total, completed, elapsedMs, current }));
  };
  const timer = setInterval(render, SPINNER_MS).unref();
  render();
  return {
    tick(next) {
      completed += 1;
      if (next !== undefined) current = next;
      render();
    },
    working(next) {
      current = next;
      render();
    },
    done() {
      clearInterval(timer);
      term.status(undefined);
    },
  };
}

export interface ProgressState {
  label: string;
  total: number | undefined;
  completed: number;
  elapsedMs: number;
  current: string;
}

/** The live line for a progress state (the terminal cuts it to its width). */
export function progressLine(state: ProgressState): string {
  const { label, total, completed, elapsedMs, current } = state;
  const parts = [label];
  if (total === undefined) parts.push(formatDuration(elapsedMs));
  else {
    const share = Math.min(1, completed / total);
    parts.push(`${completed}/${total} ${bar(share)} ${Math.floor(share * 100)}%`);
    const seconds = elapsedMs / 1000;
    if (completed > 0 && seconds >= 1) {
      const rate = completed / seconds;
      parts.push(rate >= 1 ? `${rate.toFixed(1)}/s` : `${(seconds / completed).toFixed(1)} s each`);
      if (completed < total) parts.push(`${formatDuration(((total - completed) / rate) * 1000)} left`);
    }
  }
  if (current) parts.push(displayValue(current));
  return parts.join(" · ").replace(" · ", "  ");
}

function bar(share: number): string {
  const filled = Math.round(share * BAR_CELLS);
  return `${"━".repeat(filled)}${"─".repeat(BAR_CELLS - filled)}`;
}

/** 5 s, 1m 05s, 2h 03m. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

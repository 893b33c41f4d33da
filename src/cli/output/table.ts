import { createRequire } from "node:module";
import { displayValue } from "./display-text.js";
import { terminal } from "./terminal.js";
import { type TextWidth, textWidth } from "./text-width.js";

let picocolors: typeof import("picocolors") | undefined;

/**
 * picocolors decides when it is loaded whether colours are on, and reads process.stdout to do so: a table for a
 * pipe or a file never needs it (direct-output.ts), so it is loaded when a table is drawn for a terminal.
 */
function colors(): typeof import("picocolors") {
  picocolors ??= createRequire(import.meta.url)("picocolors") as typeof import("picocolors");
  return picocolors;
}

/** A column of a table; a plain string is a header with the defaults. */
export interface Column {
  header: string;
  /** Cut first when the table is wider than the terminal: file names, reasons, errors, summaries. */
  flex?: boolean;
  /** Where a cut value loses its characters: "middle" keeps a path's file name. Default "end". */
  cut?: "end" | "middle";
  /** Longest value in piped output (cut with …); piped output has no other limit. */
  pipeMax?: number;
}

export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** Everything, never cut (`--wide`). */
  wide?: boolean;
  /** Fit to a terminal of this many columns; default: the terminal's width when stdout is one, else no fitting. */
  width?: number | undefined;
}

/** Between two columns: on a terminal, and in piped output (where it has always been four spaces). */
const TERMINAL_GAP = "  ";
const PIPE_GAP = "    ";
/** A flexible column is never cut below this (or its header's width). */
const MIN_FLEX = 8;
/** Any other column, when even that is not enough. */
const MIN_FIXED = 3;

/**
 * A table for people, without borders: a header line, then one line per row, columns padded to the widest cell.
 * On a terminal it fits the terminal's width: flexible columns (files, reasons, errors) are cut with `…` first,
 * then the others if still needed. Piped output keeps its layout and every character except what a column's
 * `pipeMax` cuts; `wide` shows everything everywhere. Cells are one line each, control characters escaped. Widths
 * are display columns (string-width: CJK and emoji count 2), so columns line up in any script.
 */
export function renderTable(
  columns: readonly (string | Column)[],
  rows: readonly Cell[][],
  options: TableOptions = {},
): string {
  const specs = columns.map((c) => (typeof c === "string" ? { header: c } : c));
  const width = options.width ?? (terminal().stdoutIsTerminal ? terminal().columns : undefined);
  const fit = textWidth();
  const cells = rows.map((row) => specs.map((_, i) => cellText(row[i])));
  if (width === undefined) {
    const piped = options.wide
      ? cells
      : cells.map((row) => row.map((cell, i) => cutChars(cell, specs[i]?.pipeMax)));
    const measured = piped.map((row) => row.map((cell) => fit.width(cell)));
    const widths = specs.map((spec, i) =>
      measured.reduce((widest, row) => Math.max(widest, row[i] ?? 0), fit.width(spec.header)),
    );
    return layout(
      fit,
      specs.map((s) => s.header),
      piped,
      widths,
      PIPE_GAP,
      undefined,
      measured,
    );
  }
  const widths = options.wide ? naturalWidths(fit, specs, cells) : fitWidths(fit, specs, cells, width - 1);
  const fitted = cells.map((row) => row.map((cell, i) => cut(fit, cell, widths[i] ?? 0, specs[i]?.cut)));
  const head = specs.map((s, i) => cut(fit, s.header, widths[i] ?? 0));
  return layout(fit, head, fitted, widths, TERMINAL_GAP, (text) => colors().bold(text));
}

function layout(
  fit: TextWidth,
  head: readonly string[],
  rows: readonly string[][],
  widths: readonly number[],
  gap: string,
  style: (header: string) => string = (header) => header,
  measured?: readonly number[][],
): string {
  const line = (
    cells: readonly string[],
    decorate: (text: string) => string,
    cellWidths?: readonly number[],
  ) =>
    cells
      .map((cell, i) => {
        const padding = " ".repeat(Math.max(0, (widths[i] ?? 0) - (cellWidths?.[i] ?? fit.width(cell))));
        return `${decorate(cell)}${i === cells.length - 1 ? "" : padding}`;
      })
      .join(gap)
      .trimEnd();
  const plain = (cell: string) => cell;
  return [line(head, style), ...rows.map((row, r) => line(row, plain, measured?.[r]))].join("\n");
}

function cellText(value: Cell): string {
  if (value === null || value === undefined) return "";
  return displayValue(String(value).replace(/\s*\n\s*/g, " "));
}

function cut(fit: TextWidth, text: string, width: number, position: Column["cut"] = "end"): string {
  return fit.width(text) > width ? fit.truncate(text, Math.max(1, width), { position }) : text;
}

/** Piped output's limit counts characters, as it always did. */
function cutChars(text: string, max: number | undefined): string {
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function naturalWidths(fit: TextWidth, specs: readonly Column[], cells: readonly string[][]): number[] {
  return specs.map((spec, i) =>
    Math.max(fit.width(spec.header), ...cells.map((row) => fit.width(row[i] ?? ""))),
  );
}

/**
 * Column widths whose sum (with the gaps) is at most `available`: the widest flexible column loses a character at a
 * time down to its minimum, then the widest of the others. A table that cannot fit even then keeps the minimums.
 */
export function fitWidths(
  fit: TextWidth,
  specs: readonly Column[],
  cells: readonly string[][],
  available: number,
): number[] {
  const widths = naturalWidths(fit, specs, cells);
  const floors = specs.map((spec, i) => {
    const natural = widths[i] ?? 0;
    return Math.min(natural, spec.flex ? Math.max(MIN_FLEX, fit.width(spec.header)) : natural);
  });
  let excess = widths.reduce((a, b) => a + b, 0) + TERMINAL_GAP.length * (specs.length - 1) - available;
  for (const pass of ["flex", "fixed"] as const) {
    if (pass === "fixed")
      for (let i = 0; i < floors.length; i += 1) floors[i] = Math.min(widths[i] ?? 0, MIN_FIXED);
    while (excess > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i += 1) {
        const canShrink =
          (widths[i] ?? 0) > (floors[i] ?? 0) && (pass === "fixed" || specs[i]?.flex === true);
        if (canShrink && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))) widest = i;
      }
      if (widest < 0) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
      excess -= 1;
    }
  }
  return widths;
}

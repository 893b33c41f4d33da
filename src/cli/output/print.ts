import { displayValue } from "./display-text.js";
import { terminal } from "./terminal.js";

/** Reading commands print one JSON value with --json; people get text. */
export function printJson(value: unknown): void {
  terminal().data(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line for people on stdout, above any live line; control characters are escaped. */
export function printLine(line = ""): void {
  terminal().out(line);
}

/** A warning or note on stderr (`docsort: …`), above any live line. */
export function printNote(line: string): void {
  terminal().err(`docsort: ${line}`);
}

export function formatConfidence(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : value.toFixed(2);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One line of at most `max` characters: whitespace runs become one space, control characters are escaped. */
export function truncate(text: string, max: number): string {
  const flat = displayValue(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A document-derived value (file name, path, subject, reason) for one line of output. */
export { displayValue as shown } from "./display-text.js";

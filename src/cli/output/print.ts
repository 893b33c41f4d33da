/** Reading commands print one JSON value with --json; people get text. */
export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = "", out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${line}\n`);
}

export function formatConfidence(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : value.toFixed(2);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

import { decodeText } from "./decode-text.js";
import { detectDelimiter, parseDelimited } from "./delimited-text.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";
import { normalizeNewlines } from "./text.js";

/** CSV/TSV in any dialect, rendered one row per line with ` | ` between cells (the header row kept). */
export const csvExtractor: FormatExtractor = {
  name: "csv",
  score: scoreKinds(["csv"]),
  async extract({ bytes }) {
    const { text, encoding } = decodeText(bytes);
    const guess = detectDelimiter(text);
    if (!guess)
      return {
        text: normalizeNewlines(text),
        method: "text",
        encoding,
        warnings: ["no delimiter found; read as plain text"],
      };
    const rows = parseDelimited(text, guess.delimiter);
    return { text: renderRows(rows), method: "text", encoding };
  },
};

export function renderRows(rows: readonly (readonly string[])[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const cells = row.map((cell) => cell.replace(/\s+/g, " ").trim());
    while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
    lines.push(cells.join(" | "));
  }
  return lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** CSV/TSV dialect detection and parsing (RFC 4180 quoting, any of ; , tab |). */

export type Delimiter = ";" | "," | "\t" | "|";

const DELIMITERS: readonly Delimiter[] = [";", "\t", ",", "|"];

export interface DelimiterGuess {
  delimiter: Delimiter;
  /** Fields in the most common row shape. */
  fields: number;
  /** Share of non-empty rows that have that shape (0-1). */
  consistency: number;
  rows: number;
}

/**
 * Picks the delimiter whose rows most often share one field count (at least 2 fields). Preamble lines
 * such as `# Account: ...` or a title row lower the consistency but do not hide the table.
 */
export function detectDelimiter(text: string): DelimiterGuess | undefined {
  let best: DelimiterGuess | undefined;
  for (const delimiter of DELIMITERS) {
    // a delimiter that never occurs gives rows of one field: no table, and no need to split the text to see it
    if (!text.includes(delimiter)) continue;
    const rows = parseDelimited(text, delimiter, 200).filter((row) => row.some((cell) => cell.trim() !== ""));
    if (rows.length < 2) continue;
    const counts = new Map<number, number>();
    for (const row of rows) counts.set(row.length, (counts.get(row.length) ?? 0) + 1);
    let fields = 0;
    let hits = 0;
    for (const [count, n] of counts) {
      if (count >= 2 && (n > hits || (n === hits && count > fields))) {
        fields = count;
        hits = n;
      }
    }
    if (fields < 2 || hits < 2) continue;
    const guess = { delimiter, fields, consistency: hits / rows.length, rows: rows.length };
    if (!best || score(guess) > score(best)) best = guess;
  }
  return best;
}

function score(guess: DelimiterGuess): number {
  return guess.consistency * guess.rows * Math.log2(guess.fields + 1);
}

/** True when the text reads as a table rather than prose that happens to contain commas. */
export function looksDelimited(guess: DelimiterGuess | undefined): guess is DelimiterGuess {
  if (!guess || guess.rows < 3 || guess.consistency < 0.6) return false;
  return guess.delimiter !== "," || guess.fields >= 3;
}

/** Splits delimited text into rows of cells, honouring "quoted ""cells"" with\nnewlines". */
export function parseDelimited(
  text: string,
  delimiter: Delimiter,
  maxRows = Number.POSITIVE_INFINITY,
): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === delimiter) {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if ((cell !== "" || row.length > 0) && rows.length < maxRows) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderTable } from "../../src/cli/output/table.js";

export type Verdict = "PASS" | "FAIL" | "INFO" | "SKIP";

/** One figure of one scenario, side by side with its baseline (the naive script, an ideal, or a floor). */
export interface Row {
  scenario: string;
  figure: string;
  unit: string;
  docsort: number | null;
  baseline: number | null;
  /** What the baseline is: "naive", "ideal", "floor", … */
  baselineOf: string;
  /** The target in words, e.g. "≥ 0.95" or "≤ 0.6× naive". */
  target: string;
  verdict: Verdict;
  note?: string;
}

export interface Check {
  target: string;
  pass: boolean;
}

export const atLeast = (value: number | null, min: number, text = `≥ ${min}`): Check => ({
  target: text,
  pass: value !== null && value >= min,
});
export const atMost = (value: number | null, max: number, text = `≤ ${max}`): Check => ({
  target: text,
  pass: value !== null && value <= max,
});

export function ratio(docsort: number | null, baseline: number | null): number | null {
  return docsort === null || baseline === null || baseline === 0 ? null : docsort / baseline;
}

function format(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "—";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Collects the rows, prints each as it comes, then the whole table; writes the JSON results file. */
export class Report {
  readonly rows: Row[] = [];
  private readonly started = Date.now();

  add(row: Omit<Row, "verdict" | "target"> & { check?: Check; verdict?: Verdict; target?: string }): Row {
    const { check, ...rest } = row;
    const full: Row = {
      ...rest,
      target: row.target ?? check?.target ?? "—",
      verdict: row.verdict ?? (check ? (check.pass ? "PASS" : "FAIL") : "INFO"),
    };
    this.rows.push(full);
    const base = full.baseline === null ? "" : `  ${full.baselineOf} ${format(full.baseline)}`;
    console.log(
      `  ${full.verdict.padEnd(4)} ${full.figure}: ${format(full.docsort)} ${full.unit}${base}  (target ${full.target})${full.note ? `  — ${full.note}` : ""}`,
    );
    return full;
  }

  skip(scenario: string, figure: string, why: string): void {
    this.add({
      scenario,
      figure,
      unit: "",
      docsort: null,
      baseline: null,
      baselineOf: "",
      verdict: "SKIP",
      note: why,
    });
  }

  table(): string {
    const rows = this.rows.map((row) => {
      const r = ratio(row.docsort, row.baseline);
      return [
        row.scenario,
        row.figure + (row.note ? ` (${row.note})` : ""),
        `${format(row.docsort)} ${row.unit}`,
        row.baseline === null ? "—" : `${format(row.baseline)} (${row.baselineOf})`,
        r === null ? "—" : format(r),
        row.target,
        row.verdict,
      ];
    });
    return renderTable(
      ["SCENARIO", { header: "FIGURE", flex: true }, "DOCSORT", "BASELINE", "RATIO", "TARGET", "RESULT"],
      rows,
    );
  }

  get failed(): Row[] {
    return this.rows.filter((r) => r.verdict === "FAIL");
  }

  write(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const machine = {
      node: process.version,
      cpus: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      loadAverage: os.loadavg(),
    };
    const result = {
      finishedAt: new Date().toISOString(),
      durationS: (Date.now() - this.started) / 1000,
      machine,
      rows: this.rows.map((row) => ({ ...row, ratio: ratio(row.docsort, row.baseline) })),
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  }
}

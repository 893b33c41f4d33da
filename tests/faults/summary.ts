import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

/** Each fault test appends its figures (JSON lines) here; the summary is printed when the run ends. */
let dir: string | undefined;

export function setup(project: TestProject): void {
  dir = mkdtempSync(path.join(os.tmpdir(), "docsort-faults-"));
  project.provide("faultsReport", path.join(dir, "figures.jsonl"));
}

export function teardown(): void {
  if (!dir) return;
  let lines: string[] = [];
  try {
    lines = readFileSync(path.join(dir, "figures.jsonl"), "utf8").trim().split("\n").filter(Boolean);
  } catch {
    // no test wrote figures
  }
  const out: string[] = ["", "══ docsort fault suite: figures ══"];
  for (const line of lines) {
    const { section, figures, rows } = JSON.parse(line) as {
      section: string;
      figures: Record<string, string | number>;
      rows?: string[][];
    };
    out.push("", `── ${section}`);
    for (const [name, value] of Object.entries(figures)) out.push(`  ${name.padEnd(44)} ${value}`);
    if (rows) {
      const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
      for (const row of rows) out.push(`  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`);
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
  rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    faultsReport: string;
  }
}

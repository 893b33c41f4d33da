import { appendFileSync } from "node:fs";
import { inject } from "vitest";

/** Adds a section to the summary printed at the end of npm run test:faults. */
export function reportFigures(
  section: string,
  figures: Record<string, string | number>,
  rows?: string[][],
): void {
  appendFileSync(inject("faultsReport"), `${JSON.stringify({ section, figures, rows })}\n`);
}

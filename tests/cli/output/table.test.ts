import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { formatDuration, progressLine } from "../../../src/cli/output/progress.js";
import { renderTable } from "../../../src/cli/output/table.js";

const LONG_PATH = `invoices/2025/${"Quarterly statement of account ".repeat(4)}ACME.pdf`;
const LONG_REASON = `low confidence (0.41 < 0.7); ${"the model was unsure between invoice and receipt ".repeat(3)}`;
const COLUMNS = [
  "ID",
  "STATUS",
  "CATEGORY",
  "CONF",
  "SOURCE",
  { header: "FILE", flex: true, cut: "middle" as const },
  { header: "REASON", flex: true, pipeMax: 60 },
];
const ROWS = [
  [1, "needs_review", "invoice", "0.41", "llm", LONG_PATH, LONG_REASON],
  [22, "done", "receipt", "0.93", "llm", "taxi.txt", ""],
];

const lines = (text: string) => stripVTControlCharacters(text).split("\n");

describe("tables", () => {
  it("on an 80-column terminal every line fits: long files and reasons are cut with …", () => {
    const out = lines(renderTable(COLUMNS, ROWS, { width: 80 }));
    for (const line of out) expect(stringWidth(line), line).toBeLessThan(80);
    expect(out[0]).toMatch(/^ID +STATUS +CATEGORY +CONF +SOURCE +FILE +REASON$/);
    expect(out[1]).toContain("…");
    // a path keeps its start and its end (the file name)
    expect(out[1]).toMatch(/ invoices\S*…[^…]*ACME\.pdf /);
    expect(out[2]).toMatch(/^22 +done +receipt +0\.93 +llm +taxi\.txt$/);
  });

  it("narrower still (40 columns), even fixed columns give way before a line wraps", () => {
    for (const line of lines(renderTable(COLUMNS, ROWS, { width: 40 })))
      expect(stringWidth(line)).toBeLessThan(40);
  });

  it("--wide shows every character on a terminal", () => {
    const out = lines(renderTable(COLUMNS, ROWS, { width: 80, wide: true }));
    expect(out[1]).toContain(LONG_PATH);
    expect(out[1]).toContain(LONG_REASON.trim());
  });

  it("piped output keeps its layout and every character but the column's pipe limit; --wide lifts that too", () => {
    const piped = renderTable(COLUMNS, ROWS, { width: undefined });
    expect(piped).not.toContain("\u001b");
    const [head, first] = piped.split("\n");
    expect(head).toMatch(/^ID {4}STATUS {10}CATEGORY {4}CONF {4}SOURCE {4}FILE {2,}REASON$/);
    expect(first).toContain(LONG_PATH);
    expect(first?.endsWith(`${LONG_REASON.slice(0, 59)}…`)).toBe(true);
    expect(renderTable(COLUMNS, ROWS, { width: undefined, wide: true })).toContain(LONG_REASON.trim());
  });

  it("cells are one line each, with control characters escaped", () => {
    const out = renderTable(["NAME"], [["evil\u001b[2J\rname\u202e.pdf"], ["two\nlines"]], { width: 80 });
    expect(lines(out).slice(1)).toEqual(["evil\\x1b[2J\\rname\\u202e.pdf", "two lines"]);
  });
});

describe("progress line", () => {
  it("count, bar, share, rate and time left; then what is being worked on", () => {
    const line = progressLine({
      label: "classify",
      total: 200,
      completed: 50,
      elapsedMs: 10_000,
      current: "scan.pdf",
    });
    expect(line).toBe(
      `classify  50/200 ${"━".repeat(5)}${"─".repeat(15)} 25% · 5.0/s · 30 s left · scan.pdf`,
    );
  });

  it("slow items show seconds each; no rate before the first item or the first second; no total: elapsed time", () => {
    expect(progressLine({ label: "eval", total: 10, completed: 2, elapsedMs: 9_000, current: "" })).toContain(
      "4.5 s each · 36 s left",
    );
    expect(progressLine({ label: "eval", total: 10, completed: 0, elapsedMs: 5_000, current: "" })).toBe(
      `eval  0/10 ${"─".repeat(20)} 0%`,
    );
    expect(
      progressLine({ label: "export", total: undefined, completed: 0, elapsedMs: 65_000, current: "" }),
    ).toBe("export  1m 05s");
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe("2h 03m");
  });
});

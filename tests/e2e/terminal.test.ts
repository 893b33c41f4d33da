import { writeFileSync } from "node:fs";
import path from "node:path";
import stringWidth from "string-width";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type Reply } from "../support/ollama-server.js";
import { DOCSORT_BIN, runDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";
import { TmuxPane } from "../support/tmux-pane.js";

/** The watcher's live line: counts by state ("queued 12 · done 80") or "waiting for files". */
const STATUS =
  /\b(queued|extracting|classifying|routing|done|needs_review|failed|quarantined|duplicate) \d+\b|waiting for files/;
/** A finished document: `#12  done  receipt  0.90  llm  doc-012.txt  25 ms`. */
const DOCUMENT_LINE = /^#(\d+) {2}done {2}(receipt|letter) {2}0\.90 {2}llm {2}\S.*\.txt {2}\d+(\.\d)? m?s$/;
const WARNING_LINE = /^docsort: warn: \S/;

let env: E2eEnv;
let pane: TmuxPane | undefined;
beforeEach(async () => {
  env = await createE2eEnv();
  env.writeConfig({ intake: { stableMs: 200 }, model: { fallback: "wait" } });
});
afterEach(async () => {
  pane?.close();
  pane = undefined;
  await env.cleanup();
});

function echoCategory(latencyMs: number) {
  return (request: Parameters<typeof lastUserText>[0]): Reply => {
    const match = /category: (\w+)/.exec(documentPart(lastUserText(request)));
    return {
      kind: "json",
      value: {
        category: match?.[1] ?? "other",
        confidence: 0.9,
        summary: "a test document",
        evidence: match?.[0] ?? "test",
      },
      latencyMs,
    };
  };
}

function dropFiles(count: number): void {
  for (let i = 1; i <= count; i += 1) {
    const category = i % 2 === 0 ? "receipt" : "letter";
    // every tenth name is long enough that its line is wider than the pane and wraps
    const name = i % 10 === 0 ? `scan ${"of the quarterly statement ".repeat(3)}${i}.txt` : `doc-${i}.txt`;
    writeFileSync(
      path.join(env.inbox, name),
      `Document number ${i} of the batch.\ncategory: ${category}\nSome more words so the text is long enough.\n`,
    );
  }
}

/**
 * The screen as a person sees it: at most one status line, it is the last line with text, it fits the pane, and
 * no other row holds a piece of one.
 */
function expectOneStatusLine(screen: readonly string[], columns: number): void {
  const rows = screen.map((row) => row.trimEnd());
  const last = rows.findLastIndex((row) => row !== "");
  const statusRows = rows.flatMap((row, i) => (STATUS.test(row) ? [i] : []));
  expect(statusRows, rows.join("\n")).toEqual([last]);
  expect(stringWidth(rows[last] ?? ""), rows[last]).toBeLessThan(columns);
}

/** The environment of a docsort run in a pane: no colour settings of the machine leak in. */
function paneEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? env.root,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    DOCSORT_HOME: env.home,
    DOCSORT_INBOX: env.inbox,
    OLLAMA_HOST: env.server.url,
  };
}

/** Runs one docsort command in a fresh pane of `columns`, waits for it to end, and returns every line it left. */
async function inPane(args: string[], columns = 80): Promise<string[]> {
  const term = TmuxPane.start([process.execPath, DOCSORT_BIN, ...args], {
    columns,
    rows: 40,
    cwd: env.home,
    env: paneEnv(),
  });
  pane = term;
  try {
    await term.waitFor(`docsort ${args.join(" ")} to end`, () => term.exited(), 120_000);
    expect(term.exitStatus(), term.history().join("\n")).toBe(0);
    return term
      .history()
      .map((line) => line.trimEnd())
      .filter((line) => !/^Pane is dead/.test(line));
  } finally {
    term.close();
    pane = undefined;
  }
}

function doneCount(): number {
  return readDocuments(env.home).filter((d) => d.status === "done").length;
}

describe("docsort watch in a terminal", () => {
  it("80 columns, 200 documents, the model going down and back, resizes: one clean status line, whole lines", async () => {
    env.server.script(echoCategory(15));
    const term = TmuxPane.start([process.execPath, DOCSORT_BIN, "watch"], {
      columns: 80,
      rows: 24,
      cwd: env.home,
      env: paneEnv(),
    });
    pane = term;
    await term.waitFor("the status line", () =>
      term.screen().some((row) => row.includes("waiting for files")),
    );
    expectOneStatusLine(term.screen(), 80);

    dropFiles(200);
    await term.waitFor("60 documents done", () => doneCount() >= 60, 120_000);
    expectOneStatusLine(term.screen(), 80);

    // the model goes away: documents wait, one warning line is printed above the status line
    env.server.setModels([]);
    await term.waitFor("the warning", () => term.history().some((line) => /not found/.test(line)), 60_000);
    await term.waitFor("the waiting note on the status line", () =>
      (term.screen().findLast((row) => row.trim() !== "") ?? "").includes("llama3.2"),
    );
    expectOneStatusLine(term.screen(), 80);

    // a narrower pane: tmux reflows the old status line; the redraw leaves no piece of it behind
    term.resize(60);
    await term.waitFor("the redraw at 60 columns", () => {
      const rows = term.screen().filter((row) => STATUS.test(row));
      return rows.length === 1 && stringWidth(rows[0] ?? "") < 60;
    });
    expectOneStatusLine(term.screen(), 60);

    env.server.setModels(["llama3.2:latest"]);
    await term.waitFor("200 documents done", () => doneCount() === 200, 180_000);
    await term.waitFor("done 200 on the status line", () =>
      term.screen().some((row) => /done 200\b/.test(row)),
    );
    expectOneStatusLine(term.screen(), 60);

    term.resize(100);
    await term.waitFor("the pane at 100 columns", () => term.width() === 100);
    await term.waitFor("the status line at 100 columns", () =>
      term.screen().some((row) => /^done 200$/.test(row)),
    );
    expectOneStatusLine(term.screen(), 100);

    term.sendKeys("C-c");
    await term.waitFor("docsort to stop", () => term.exited(), 60_000);
    expect(term.exitStatus()).toBe(0);

    // the whole scrollback, soft-wrapped rows joined: only whole lines, no status line left, every document once
    const lines = term
      .history()
      .map((line) => line.trimEnd())
      .filter((line) => line !== "" && !/^Pane is dead/.test(line));
    const strays = lines.filter((line) => !DOCUMENT_LINE.test(line) && !WARNING_LINE.test(line));
    expect(strays).toEqual([]);
    expect(lines.filter((line) => STATUS.test(line))).toEqual([]);
    const ids = lines.flatMap((line) => {
      const id = DOCUMENT_LINE.exec(line)?.[1];
      return id ? [Number(id)] : [];
    });
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(lines.filter((line) => WARNING_LINE.test(line)).length).toBeGreaterThanOrEqual(2);
  }, 600_000);

  it("every table fits an 80-column terminal; --wide and pipes keep every character", async () => {
    env.server.script((request) => {
      const name = /doc-(\d+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "0";
      // half the documents are uncertain: they get a long review reason
      return {
        kind: "json",
        value: {
          category: "letter",
          confidence: Number(name) % 2 === 0 ? 0.93 : 0.41,
          summary: `A letter about ${"the quarterly statement and its many attachments ".repeat(2)}`,
          evidence: "Dear",
        },
      };
    });
    const long = `${"Quarterly statement of account for the holding company ".repeat(2)}`;
    for (let i = 1; i <= 6; i += 1)
      writeFileSync(path.join(env.inbox, `doc-${i} ${long}.txt`), `Dear customer, doc-${i}.\nRegards\n`);
    const added = await runDocsort(
      [
        "handlers",
        "add",
        "notify-the-accounting-team-webhook",
        "--kind",
        "webhook",
        "--on",
        "letter",
        "--config",
        '{"url":"https://no-such-host-for-the-accounting-team.invalid/hooks/docsort/letters"}',
      ],
      env,
    );
    expect(added.code).toBe(0);
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);

    const commands = [["list"], ["runs"], ["show", "2"], ["handlers", "list"], ["review", "--list"]];
    for (const args of commands) {
      const lines = await inPane(args);
      expect(lines.length, args.join(" ")).toBeGreaterThan(1);
      for (const line of tableLines(lines))
        expect(stringWidth(line), `${args.join(" ")}: ${line}`).toBeLessThan(80);
      expect(lines.join("\n")).toContain("…");
    }
    // --wide: the whole file name, on one (wrapping) line
    expect((await inPane(["list", "--wide"])).join("\n")).toContain(`doc-1 ${long}.txt`);
    // a pipe: every character, no escape code
    const piped = await runDocsort(["list"], env);
    expect(piped.stdout).toContain(`doc-1 ${long}.txt`);
    expect(piped.stdout).not.toContain("\u001b");
  }, 300_000);

  it("long commands show progress on a terminal, and none on a pipe", async () => {
    env.server.script(() => ({
      kind: "json",
      value: { category: "letter", confidence: 0.93, summary: "a letter", evidence: "Dear" },
      latencyMs: 700,
    }));
    const files = [1, 2, 3, 4, 5].map((i) => {
      const file = path.join(env.root, `letter-${i}.txt`);
      writeFileSync(file, `Dear customer, this is letter ${i}.\nRegards\n`);
      return file;
    });
    const term = TmuxPane.start([process.execPath, DOCSORT_BIN, "classify", ...files], {
      columns: 80,
      rows: 24,
      cwd: env.home,
      env: paneEnv(),
    });
    pane = term;
    const bar = /^classify {2}\d\/5 [━─]{20} \d+%/;
    await term.waitFor("the progress bar", () => term.screen().some((row) => bar.test(row)), 60_000);
    expectOneLiveLine(term.screen(), bar);
    await term.waitFor("classify to end", () => term.exited(), 60_000);
    expect(term.exitStatus()).toBe(0);
    const lines = term.history().filter((line) => line.trim() !== "" && !/^Pane is dead/.test(line));
    expect(lines.filter((line) => bar.test(line))).toEqual([]);
    expect(lines.filter((line) => /letter-\d\.txt: done letter 0\.93 \(llm\)/.test(line))).toHaveLength(5);

    const piped = await runDocsort(["reclassify", "--category", "letter", "--force"], env);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe("");
    expect(piped.stdout).not.toContain("\u001b");
    expect(piped.stdout).not.toMatch(/reclassify {2}\d/);
  }, 300_000);
});

/** The live line is the last line with text, and no other row shows it. */
function expectOneLiveLine(screen: readonly string[], live: RegExp): void {
  const rows = screen.map((row) => row.trimEnd());
  const last = rows.findLastIndex((row) => row !== "");
  expect(
    rows.flatMap((row, i) => (live.test(row) ? [i] : [])),
    rows.join("\n"),
  ).toEqual([last]);
}

/** Lines of tables: from a header (upper-case words two spaces apart) to the next empty line. */
function tableLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let inTable = false;
  for (const line of lines) {
    if (/^[A-Z][A-Z /]*( {2,}[A-Z][A-Z /]*)+$/.test(line)) inTable = true;
    else if (line.trim() === "") inTable = false;
    if (inTable) out.push(line);
  }
  return out;
}

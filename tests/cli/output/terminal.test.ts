import { stripVTControlCharacters as stripAnsi } from "node:util";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { Terminal } from "../../../src/cli/output/terminal.js";
import { FakeStream } from "./fake-stream.js";

const ESC = "\u001b";
let term: Terminal | undefined;
afterEach(() => term?.clearStatus());

function open(options: { stdoutTty?: boolean; stderrTty?: boolean; columns?: number } = {}) {
  const out = new FakeStream(options.stdoutTty ?? true, options.columns ?? 80);
  const err = new FakeStream(options.stderrTty ?? true, options.columns ?? 80);
  term = new Terminal(out, err, { redrawMs: 0, env: {} });
  return { out, err, term };
}

/** The live line's text in one write: between the auto-wrap-off and auto-wrap-on sequences. */
function liveText(write: string): string | undefined {
  const match = new RegExp(`${ESC}\\[\\?7l(.*)${ESC}\\[\\?7h\r$`, "su").exec(write);
  return match ? stripAnsi(match[1] ?? "") : undefined;
}

describe("the terminal's live line", () => {
  it("is cut to one column less than the terminal, and redrawn at the new width on a resize", () => {
    const { err } = open({ columns: 80 });
    term?.status(`queued 5000 · ${"x".repeat(200)}`);
    const first = liveText(err.writes.at(-1) ?? "");
    expect(stringWidth(first ?? "")).toBe(79);
    expect(first?.endsWith("…")).toBe(true);
    err.resize(40);
    expect(stringWidth(liveText(err.writes.at(-1) ?? "") ?? "")).toBe(39);
  });

  it("every redraw erases from the start of its row downwards, so a reflowed old line cannot stay behind", () => {
    const { err } = open();
    term?.status("queued 1");
    term?.status("queued 2");
    const redraw = err.writes.at(-1) ?? "";
    // CR, erase the row, step to column 1, erase below (not from the top-left corner: tmux would scroll it away)
    expect(redraw.startsWith(`\r${ESC}[2K${ESC}[1C${ESC}[J\r`)).toBe(true);
    expect(liveText(redraw)).toBe("queued 2");
  });

  it("prints lines above the live line: erase it, the line, then draw it again", () => {
    const { out, err } = open();
    term?.status("queued 3");
    const before = err.writes.length;
    term?.out("#1  done  invoice");
    expect(out.writes).toEqual(["#1  done  invoice\n"]);
    expect(err.writes[before]).toBe(`\r${ESC}[2K${ESC}[1C${ESC}[J\r`);
    expect(liveText(err.writes.at(-1) ?? "")).toBe("queued 3");
    term?.err("docsort: warn: the model is not there");
    expect(err.writes.at(-3)).toBe(`\r${ESC}[2K${ESC}[1C${ESC}[J\r`);
    expect(err.writes.at(-2)).toBe("docsort: warn: the model is not there\n");
  });

  it("hides the cursor while shown, and clearing removes the line and shows the cursor again", () => {
    const { err } = open();
    term?.status("queued 1");
    expect(err.text).toContain(`${ESC}[?25l`);
    term?.clearStatus();
    expect(err.writes.at(-1)).toBe(`\r${ESC}[2K${ESC}[1C${ESC}[J\r${ESC}[?25h`);
    term?.out("after");
    expect(err.writes.at(-1)).toBe(`\r${ESC}[2K${ESC}[1C${ESC}[J\r${ESC}[?25h`);
  });

  it("without a terminal on stderr (a pipe, a log file, TERM=dumb) there is no live line and no escape code", () => {
    const { out, err } = open({ stdoutTty: false, stderrTty: false });
    term?.status("queued 1");
    term?.out("#1  done");
    term?.err("docsort: warn: x");
    expect(out.text + err.text).toBe("#1  done\ndocsort: warn: x\n");
    const dumbErr = new FakeStream(true, 80);
    const dumb = new Terminal(new FakeStream(true, 80), dumbErr, { env: { TERM: "dumb" } });
    dumb.status("queued 1");
    expect(dumb.live).toBe(false);
    expect(dumbErr.writes).toEqual([]);
  });

  it("a line on a piped stdout leaves the live line on the terminal alone", () => {
    const { out, err } = open({ stdoutTty: false });
    term?.status("queued 1");
    const before = err.writes.length;
    term?.out("row");
    expect(out.writes).toEqual(["row\n"]);
    expect(err.writes.length).toBe(before);
  });

  it("escapes control characters in lines and in the live line; colours stay", () => {
    const { out, err } = open();
    term?.out(`name\u001b[2J\u001b]0;owned\u0007.pdf \u001b[32mdone\u001b[39m`);
    expect(out.writes[0]).toBe("name\\x1b[2J\\x1b]0;owned\\x07.pdf \u001b[32mdone\u001b[39m\n");
    term?.status("evil\rname\u202e");
    expect(liveText(err.writes.at(-1) ?? "")).toBe("evil\\rname\\u202e");
  });
});

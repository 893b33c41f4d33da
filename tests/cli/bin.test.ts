import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DOCSORT_BIN } from "../support/run-docsort.js";
import { runCommand } from "../support/run-script.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const version = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version;

describe("the docsort command (package.json bin)", () => {
  it("runs through npm's link, as `npx docsort` does: a node hashbang", async () => {
    expect(readFileSync(DOCSORT_BIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const { code, stdout, stderr } = await runCommand(
      "npm",
      ["exec", "--offline", "--no-update-notifier", "--", "docsort", "--version"],
      {
        cwd: root,
        timeoutMs: 120_000,
      },
    );
    // npm may add notices of its own on stderr; the shell's "Syntax error" of a file without a hashbang is not one
    expect(stderr).not.toMatch(/error/i);
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: version });
  });
});

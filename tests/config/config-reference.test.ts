import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configReference } from "../../src/config/config-reference.js";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));

describe("the configuration reference", () => {
  it("has a row for every key, with its default and its description", () => {
    const table = configReference();
    for (const key of [
      "intake.stableMs",
      "extract.ocr.languages",
      "model.numCtx",
      "model.fallback",
      "outbox.maxAttempts",
    ]) {
      expect(table).toContain(`| \`${key}\` |`);
    }
    expect(table).toContain(
      "| `model.numCtx` | `8192` | integer ≥ 512 | Context window sent with every request (num_ctx). |",
    );
    expect(table).toContain("| `extract.workers` | CPU count |");
    const undescribed = table.split("\n").filter((row) => /\|\s*\|$/.test(row));
    expect(undescribed).toEqual([]);
  });

  it("in the README is the one the schema generates (docsort config --reference)", () => {
    const readme = readFileSync(README, "utf8");
    const start = readme.indexOf("<!-- config-reference:start -->\n");
    const end = readme.indexOf("\n<!-- config-reference:end -->");
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + "<!-- config-reference:start -->\n".length, end)).toBe(configReference());
  });
});

import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractFile } from "../../src/extract/extract-file.js";
import { ExtractionError } from "../../src/extract/types.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const config = testConfig().extract;

describe("extractFile reads the whole file", () => {
  it("of any size: empty, a few bytes, more than one read buffer, more than is read at once", async () => {
    const line = "the quarterly report lists every shipment with its date and place\n";
    const cases: [string, string][] = [
      ["empty.txt", ""],
      ["short.txt", "a short letter to the office about the meeting"],
      ["long.txt", line.repeat(3000)],
      // over READ_AT_ONCE_BYTES: read asynchronously
      ["longer.txt", line.repeat(6000)],
    ];
    for (const [name, content] of cases) {
      const file = path.join(dir.path, name);
      writeFileSync(file, content);
      const result = await extractFile({ path: file, name }, config);
      expect(result.text).toBe(content.trim());
    }
  });

  it.each([
    [5000, 1000],
    [400 * 1024, 300 * 1024],
  ])(
    "refuses a file of %i bytes over maxFileBytes (%i) without reading it into the result",
    async (size, max) => {
      const file = path.join(dir.path, "big.txt");
      writeFileSync(file, "x".repeat(size));
      const error = await extractFile(
        { path: file, name: "big.txt" },
        { ...config, maxFileBytes: max },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExtractionError);
      expect((error as ExtractionError).code).toBe("too_large");
    },
  );
});

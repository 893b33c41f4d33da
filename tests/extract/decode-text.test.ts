import { readFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/extract/decode-text.js";
import { corpusDir, hasCorpus } from "./helpers.js";

const sample = "Grüße aus Köln – Straße, Preis 12,50 €";

describe("decodeText", () => {
  it.each([
    ["UTF-8", new TextEncoder().encode(sample), "UTF-8"],
    ["UTF-8 with BOM", new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(sample)]), "UTF-8"],
    ["UTF-16LE with BOM", new Uint8Array([0xff, 0xfe, ...Buffer.from(sample, "utf16le")]), "UTF-16LE"],
    [
      "UTF-16BE with BOM",
      new Uint8Array([0xfe, 0xff, ...Buffer.from(sample, "utf16le").swap16()]),
      "UTF-16BE",
    ],
    [
      "UTF-16LE without BOM",
      new Uint8Array(Buffer.from(`${sample} and some more ASCII text`, "utf16le")),
      "UTF-16LE",
    ],
  ])("%s", (_name, bytes, encoding) => {
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text.startsWith(sample)).toBe(true);
  });

  it("Windows-1252: euro sign and curly quotes", () => {
    const text = "Rechnung über 12,50 € – „Grüße“ and “quoted” text, naïve café";
    const decoded = decodeText(iconv.encode(text, "windows-1252"));
    expect(decoded.encoding).toBe("windows-1252");
    expect(decoded.text).toBe(text);
  });

  it("a head cut inside a multi-byte character is still UTF-8", () => {
    const bytes = new TextEncoder().encode("Grüße");
    expect(decodeText(bytes.subarray(0, 3), true)).toEqual({ text: "Gr", encoding: "UTF-8" });
  });

  it.skipIf(!hasCorpus)("the corpus' Latin-1 letter: umlauts and ß", async () => {
    const bytes = await readFile(
      path.join(corpusDir, "labeled/letters/Kuendigung_Wartungsvertrag_latin1.txt"),
    );
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe("ISO-8859-1");
    expect(decoded.text).toContain("Königstraße 14");
    expect(decoded.text).toContain("Äußere Sulzbacher Straße 90");
    expect(decoded.text).toContain("Kältetechnik Gößwein GmbH");
    expect(decoded.text).not.toContain("\uFFFD");
  });
});

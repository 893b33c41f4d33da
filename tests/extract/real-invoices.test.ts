/**
 * invoice2data's real sample invoices (PDF text layers, page images for OCR, a text dump): each must
 * yield its invoice number and total, whatever number format the document prints.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createExtractor, type ExtractionResult } from "../../src/extract/index.js";
import { corpusDir, hasCorpus, normalize, numbersIn, testConfig } from "./helpers.js";

const realDir = path.join(corpusDir, "real", "invoice2data");
const expectedSchema = z
  .array(z.object({ invoice_number: z.coerce.string(), amount: z.number().optional() }))
  .min(1);

interface Case {
  file: string;
  invoiceNumber: string;
  amount: number | undefined;
}

const cases: Case[] = existsSync(realDir)
  ? readdirSync(realDir)
      .filter((file) => /\.(pdf|png)$/.test(file) || file === "Orlen.txt")
      .sort()
      .map((file) => {
        const [expected] = expectedSchema.parse(
          JSON.parse(readFileSync(path.join(realDir, file.replace(/\.\w+$/, ".json")), "utf8")),
        );
        return { file, invoiceNumber: expected?.invoice_number ?? "", amount: expected?.amount };
      })
  : [];
const results = new Map<string, ExtractionResult>();

describe.skipIf(!hasCorpus || cases.length === 0)("real invoices (invoice2data)", () => {
  const extractor = { current: undefined as ReturnType<typeof createExtractor> | undefined };
  beforeAll(async () => {
    const pool = createExtractor(testConfig({ workers: 2 }));
    extractor.current = pool;
    await Promise.all(
      cases.map(async ({ file }) => {
        results.set(file, await pool.extract({ path: path.join(realDir, file), name: file }));
      }),
    );
  }, 180_000);
  afterAll(() => extractor.current?.close());

  it("covers every PDF, PNG and Orlen.txt", () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
  });

  it.each(cases)("$file has its invoice number and total", ({ file, invoiceNumber, amount }) => {
    const result = results.get(file);
    expect(result?.method).toBe(
      file.endsWith(".png") ? "ocr" : file.endsWith(".pdf") ? "text-layer" : "text",
    );
    const text = result?.text ?? "";
    expect(normalize(text).replace(/ /g, "")).toContain(normalize(invoiceNumber).replace(/ /g, ""));
    if (amount !== undefined) {
      expect(numbersIn(text).some((value) => Math.abs(value - amount) < 0.005)).toBe(true);
    }
  });
});

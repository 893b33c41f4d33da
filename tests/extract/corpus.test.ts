/**
 * Every labelled corpus document through the real pool (worker threads): its fingerprint must be in the
 * extracted text (or, for mail, in an attachment's text). Prints a per-format summary.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExtractor, type ExtractionResult } from "../../src/extract/index.js";
import { corpusDir, hasCorpus, normalize, scratchDir, testConfig } from "./helpers.js";

interface Label {
  file: string;
  fingerprint: string | null;
  format: string;
}

interface Outcome {
  label: Label;
  result?: ExtractionResult;
  children: ExtractionResult[];
  error?: unknown;
}

const labeledDir = path.join(corpusDir, "labeled");
const labels: Label[] = hasCorpus
  ? JSON.parse(readFileSync(path.join(labeledDir, "labels.json"), "utf8"))
  : [];
const outcomes = new Map<string, Outcome>();

describe.skipIf(!hasCorpus)("labelled corpus", () => {
  beforeAll(async () => {
    const extractor = createExtractor(testConfig({ workers: 2 }));
    const scratch = await scratchDir();
    try {
      await Promise.all(
        labels.map(async (label) => {
          const outcome: Outcome = { label, children: [] };
          try {
            outcome.result = await extractor.extract({
              path: path.join(labeledDir, label.file),
              name: path.basename(label.file),
            });
            for (const [i, child] of (outcome.result.children ?? []).entries()) {
              const file = await scratch.write(
                `${path.basename(label.file)}-${i}-${path.basename(child.name)}`,
                child.bytes,
              );
              outcome.children.push(await extractor.extract({ path: file, name: child.name, depth: 1 }));
            }
          } catch (error) {
            outcome.error = error;
          }
          outcomes.set(label.file, outcome);
        }),
      );
    } finally {
      await extractor.close();
      await scratch.cleanup();
    }
  }, 240_000);

  afterAll(() => printSummary([...outcomes.values()]));

  it("has all 48 documents", () => {
    expect(labels).toHaveLength(48);
  });

  it.each(labels.filter((label) => label.fingerprint !== null))(
    "$file contains its fingerprint",
    ({ file, fingerprint, format }) => {
      const outcome = outcomes.get(file);
      expect(outcome?.error).toBeUndefined();
      const own = normalize(outcome?.result?.text ?? "");
      const children = (outcome?.children ?? []).map((child) => normalize(child.text));
      const wanted = normalize(fingerprint ?? "");
      if (format === "eml+pdf") {
        // The fingerprint of a mail with an attachment is only in the attachment.
        expect(children.some((text) => text.includes(wanted))).toBe(true);
      } else {
        expect(own).toContain(wanted);
      }
    },
  );

  it.each(labels.filter((label) => label.fingerprint === null))(
    "$file gives (near-)empty text without an error",
    ({ file }) => {
      const outcome = outcomes.get(file);
      expect(outcome?.error).toBeUndefined();
      expect(outcome?.result?.chars).toBeLessThanOrEqual(3);
    },
  );

  it("reads the misnamed PDF as a PDF and says so", () => {
    const result = outcomes.get("receipts/scan_0042.txt")?.result;
    expect(result?.type).toMatchObject({ kind: "pdf", extensionMismatch: { extension: "txt" } });
    expect(result?.warnings.join(" ")).toMatch(/name ends in \.txt .* content is pdf/);
  });

  it("reads the Latin-1 letter with its umlauts", () => {
    const result = outcomes.get("letters/Kuendigung_Wartungsvertrag_latin1.txt")?.result;
    expect(result?.encoding).toBe("ISO-8859-1");
    expect(result?.text).toContain("Königstraße");
  });

  it("OCRs the scanned PDFs and the photos with a confidence", () => {
    for (const outcome of outcomes.values()) {
      if (!["pdf-scan", "png", "jpg"].includes(outcome.label.format)) continue;
      expect(outcome.result?.method).toBe("ocr");
      expect(outcome.result?.ocrConfidence).toBeGreaterThan(0.6);
    }
  });
});

function printSummary(all: Outcome[]) {
  const rows = new Map<
    string,
    { files: number; withFingerprint: number; found: number; ms: number; ocrMs: number; ocrPages: number }
  >();
  for (const { label, result, children } of all) {
    const row = rows.get(label.format) ?? {
      files: 0,
      withFingerprint: 0,
      found: 0,
      ms: 0,
      ocrMs: 0,
      ocrPages: 0,
    };
    row.files++;
    for (const r of [result, ...children]) {
      row.ms += r?.durationMs ?? 0;
      row.ocrMs += r?.ocrMs ?? 0;
      row.ocrPages += r?.ocrPages ?? 0;
    }
    if (label.fingerprint) {
      row.withFingerprint++;
      const texts = [result?.text ?? "", ...children.map((child) => child.text)].map(normalize);
      if (texts.some((text) => text.includes(normalize(label.fingerprint ?? "")))) row.found++;
    }
    rows.set(label.format, row);
  }
  const lines = [...rows].map(
    ([format, row]) =>
      `${format.padEnd(22)} files ${String(row.files).padStart(2)}  fingerprints ${row.found}/${row.withFingerprint}  total ${Math.round(
        row.ms,
      )
        .toString()
        .padStart(
          6,
        )} ms  ${row.ocrPages > 0 ? `OCR ${Math.round(row.ocrMs / row.ocrPages)} ms/page (${row.ocrPages} pages)` : ""}`,
  );
  console.log(
    `corpus extraction summary (per labelled format; ms = time inside the workers, attachments included)\n${lines.join("\n")}`,
  );
}

import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configFileSchema, type ExtractConfig } from "../../src/config/schema.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const corpusDir = path.resolve(repoRoot, "../shared/corpus");
export const hasCorpus = existsSync(path.join(corpusDir, "labeled", "labels.json"));
if (!hasCorpus) console.warn(`corpus not found at ${corpusDir}: corpus-based extraction tests are skipped`);

type ConfigOverrides = Partial<Omit<ExtractConfig, "ocr">> & { ocr?: Partial<ExtractConfig["ocr"]> };

export function testConfig(overrides: ConfigOverrides = {}): ExtractConfig {
  const base = configFileSchema.parse({}).extract;
  // the memory limit counts the calling process too, and a test runner holds far more than the daemon does
  return { ...base, workers: 2, maxMemoryMb: 6144, ...overrides, ocr: { ...base.ocr, ...overrides.ocr } };
}

/** A scratch folder per test file, removed by the returned cleanup. */
export async function scratchDir(): Promise<{
  dir: string;
  write: (name: string, bytes: Uint8Array | string) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), "docsort-extract-test-"));
  return {
    dir,
    async write(name, bytes) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Case- and whitespace-insensitive form used to look for fingerprints and invoice numbers. */
export function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/** Every number in the text, read both as 1,234.56 and as 1.234,56 (spaces and ’ as thousands marks). */
export function numbersIn(text: string): number[] {
  const values: number[] = [];
  for (const match of text.matchAll(/\d[\d.,'’ ]*\d|\d/g)) {
    const raw = match[0].replace(/[ '’]/g, "");
    for (const [decimal, group] of [
      [".", ","],
      [",", "."],
    ] as const) {
      const value = Number(raw.split(group).join("").replace(decimal, "."));
      if (Number.isFinite(value)) values.push(value);
    }
  }
  return values;
}

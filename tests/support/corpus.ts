import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The shared corpus lives beside the repository (../shared), where CI has it too. */
export const CORPUS_DIR = path.resolve(repoRoot, "../shared/corpus");
export const LABELED_DIR = path.join(CORPUS_DIR, "labeled");
export const REAL_DIR = path.join(CORPUS_DIR, "real/invoice2data");
export const corpusAvailable = existsSync(path.join(LABELED_DIR, "labels.json"));

const fieldsSchema = z.object({
  vendor: z.string(),
  invoice_number: z.string(),
  invoice_date: z.string(),
  due_date: z.string().nullable(),
  currency: z.string(),
  subtotal: z.number(),
  tax: z.number(),
  total: z.number(),
});

const labelSchema = z.object({
  file: z.string(),
  category: z.string(),
  fingerprint: z.string().nullable(),
  fields: fieldsSchema.optional(),
  format: z.string(),
  lang: z.string().nullable(),
  notes: z.string().optional(),
});
export type Label = z.infer<typeof labelSchema>;

export function loadLabels(): Label[] {
  return z.array(labelSchema).parse(JSON.parse(readFileSync(path.join(LABELED_DIR, "labels.json"), "utf8")));
}

export function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ");
}

/** The label whose fingerprint appears in `text`, if any. */
export function labelForText(labels: readonly Label[], text: string): Label | undefined {
  const haystack = normalise(text);
  return labels.find((l) => l.fingerprint !== null && haystack.includes(normalise(l.fingerprint)));
}

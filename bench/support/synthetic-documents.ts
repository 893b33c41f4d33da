import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CATEGORY_KEYWORDS } from "../emulator/keyword-classifier.js";

/**
 * Generated text documents for the throughput scenarios. Each one names its category in its first lines and
 * once more near the end, with neutral business prose between, so the bench's keyword classifier gets it right
 * when the text is sent. `invoice` is left out: the invoice workflow would add a second model call per document.
 */
export const SYNTHETIC_CATEGORIES = [
  "letter",
  "receipt",
  "purchase_order",
  "contract",
  "resume",
  "bank_statement",
  "other",
] as const;

const FILLER = [
  "the figures below refer to the period agreed with our office",
  "all amounts are shown in euro unless stated otherwise",
  "the reference number should be quoted in any correspondence",
  "the address on file was updated at the start of the quarter",
  "the team reviewed the schedule and confirmed the next steps",
  "copies of this document are kept for the usual retention period",
  "questions about the details can be sent to the service desk",
  "the attached overview lists each item with its date and place",
];

/** A small deterministic generator (mulberry32), so every run writes the same documents. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticDocument {
  name: string;
  category: string;
  text: string;
}

/** Document `index` (about `lines` lines of 60-70 characters). */
export function syntheticDocument(index: number, lines = 12): SyntheticDocument {
  const category = SYNTHETIC_CATEGORIES[index % SYNTHETIC_CATEGORIES.length] ?? "other";
  const [first = category, second = category, third = category] = CATEGORY_KEYWORDS[category] ?? [];
  const next = random(index + 1);
  const body = Array.from({ length: lines }, () => FILLER[Math.floor(next() * FILLER.length)] ?? "");
  const text = [
    `${first.toUpperCase()} — reference ${category.slice(0, 3).toUpperCase()}-${100000 + index}`,
    `Regarding the ${second} of customer ${1000 + (index % 997)}.`,
    ...body.map((line, i) => `${line}${i % 3 === 2 ? "." : ","}`),
    `See the ${third} section for the details.`,
    "",
  ].join("\n");
  return { name: `${category}-${String(index).padStart(5, "0")}.txt`, category, text };
}

/** The category a synthetic file name stands for (`letter-00017.txt` → `letter`). */
export function categoryOfName(name: string): string | undefined {
  return SYNTHETIC_CATEGORIES.find((c) => path.basename(name).startsWith(`${c}-`));
}

/**
 * Writes `count` documents into `dir`. With `ageMs`, their mtime is set that far in the past: files that were
 * already waiting when docsort starts.
 */
export function writeSyntheticDocuments(
  dir: string,
  count: number,
  options: { ageMs?: number; lines?: number; first?: number } = {},
): SyntheticDocument[] {
  mkdirSync(dir, { recursive: true });
  const docs: SyntheticDocument[] = [];
  const when = options.ageMs === undefined ? undefined : new Date(Date.now() - options.ageMs);
  for (let i = 0; i < count; i += 1) {
    const doc = syntheticDocument((options.first ?? 0) + i, options.lines);
    const file = path.join(dir, doc.name);
    writeFileSync(file, doc.text);
    if (when) utimesSync(file, when, when);
    docs.push(doc);
  }
  return docs;
}

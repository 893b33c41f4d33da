import { z } from "zod";
import type { Category } from "../config/schema.js";

/** Hard limits of the answer's free-text fields, in characters: a generated token costs several prompt tokens. */
export const SUMMARY_MAX_CHARS = 48;
export const EVIDENCE_MAX_CHARS = 40;

/**
 * Output tokens an answer within these limits can take: every character of the two texts a token at worst
 * (digits, symbols, CJK), plus the JSON around them, the category and the confidence.
 */
export const ANSWER_MAX_TOKENS = SUMMARY_MAX_CHARS + EVIDENCE_MAX_CHARS + 64;

/**
 * Built from the taxonomy at run time: `category` is an enum, so the model cannot invent a label. The category comes
 * first (it is what matters, and it is complete first when an answer is cut); `summary` and `evidence` have hard
 * `maxLength`s, which Ollama turns into the grammar the model samples with (JSON Schema `format`).
 */
export function buildClassificationSchema(categories: readonly Category[]) {
  const names = categories.map((c) => c.name);
  const [first, ...rest] = names;
  if (first === undefined) throw new Error("the taxonomy is empty");
  return z.object({
    category: z.enum([first, ...rest]).describe("One category of the taxonomy."),
    confidence: z.number().min(0).max(1).describe("Probability that the category is right, 0 to 1."),
    summary: z
      .string()
      .max(SUMMARY_MAX_CHARS)
      .describe("One short line: what the document is and who it is from."),
    evidence: z
      .string()
      .max(EVIDENCE_MAX_CHARS)
      .describe("A few words quoted from the document that show the category."),
  });
}

/**
 * The same answer as checked: a server that does not enforce `maxLength` may send longer texts, which are cut
 * rather than asked for again (a repair round would cost more than it saves).
 */
export function buildAnswerCheck(categories: readonly Category[]) {
  return buildClassificationSchema(categories).extend({ summary: z.string(), evidence: z.string() });
}

export type ClassificationSchema = ReturnType<typeof buildAnswerCheck>;
export type ModelClassification = z.infer<ClassificationSchema>;

import { z } from "zod";
import type { Category } from "../config/schema.js";

/** Built from the taxonomy at run time: `category` is an enum, so the model cannot invent a label. */
export function buildClassificationSchema(categories: readonly Category[]) {
  const names = categories.map((c) => c.name);
  const [first, ...rest] = names;
  if (first === undefined) throw new Error("the taxonomy is empty");
  return z.object({
    category: z.enum([first, ...rest]).describe("One category of the taxonomy."),
    confidence: z.number().min(0).max(1).describe("Probability that the category is right, 0 to 1."),
    summary: z.string().describe("One line: what the document is, from whom, about what."),
    evidence: z.string().describe("A short quote from the document that supports the category."),
  });
}

export type ClassificationSchema = ReturnType<typeof buildClassificationSchema>;
export type ModelClassification = z.infer<ClassificationSchema>;

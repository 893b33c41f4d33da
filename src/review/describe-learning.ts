import { z } from "zod";
import { storedRanking } from "./decision-details.js";

const examplesSchema = z.array(z.object({ documentId: z.number(), category: z.string() }));

/**
 * What the learning parts contributed to a classification, and what the model call warned of (a prompt the server
 * counted differently or cut, an answer cut at the output limit), as lines for `docsort show`.
 */
export function describeLearning(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const examples = examplesSchema.safeParse(details.examples);
  if (examples.success && examples.data.length > 0) {
    lines.push(
      `examples in the prompt: ${examples.data.map((e) => `#${e.documentId} (${e.category})`).join(", ")}`,
    );
  }
  const ranking = storedRanking({ details });
  if (ranking && ranking.length > 0) {
    lines.push(
      `built-in classifier: ${ranking.map((r) => `${r.category} ${r.probability.toFixed(2)}`).join(" · ")}`,
    );
  }
  if (typeof details.fallback === "string")
    lines.push(`model unavailable, built-in fallback: ${details.fallback}`);
  if (typeof details.skippedModel === "string") lines.push(`model skipped: ${details.skippedModel}`);
  const warnings = z.array(z.string()).safeParse(details.warnings);
  if (warnings.success) lines.push(...warnings.data.map((warning) => `model: ${warning}`));
  if (typeof details.undoneClassificationId === "number") {
    lines.push(`restores the classification before decision #${details.undoneClassificationId} (undone)`);
  }
  return lines;
}

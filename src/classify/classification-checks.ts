import { z } from "zod";
import type { ClassificationSchema, ModelClassification } from "./classification-schema.js";
import { parseModelOutput } from "./parse-model-output.js";
import type { Salvaged } from "./structured-call.js";

/**
 * Valid JSON of the right shape can still say nothing usable, and a sampling grammar cannot prevent it: Ollama (and
 * llama.cpp) drop `minimum`/`maximum` when they turn the schema into a grammar, so a model can answer
 * `"confidence": -1111111111111111` (seen with the real-engine tests' model) or `85` meaning 85 %. Such an answer
 * first gets the usual repair round; if the repaired answer is still out of range, the classification is kept for a
 * person to review with confidence 0 — never clamped (85 → 1 would pretend certainty) and never dropped.
 */
export function salvageConfidence(
  raw: string,
  schema: ClassificationSchema,
): Salvaged<ModelClassification> | undefined {
  const parsed = parseModelOutput(raw, schema.extend({ confidence: z.number() }));
  if (!parsed.ok) return undefined;
  const { confidence } = parsed.value;
  if (confidence >= 0 && confidence <= 1) return undefined;
  return {
    value: { ...parsed.value, confidence: 0 },
    problem: `the model's confidence ${confidence} is outside 0–1 (asked twice); recorded as 0`,
  };
}

/** A quote without a single letter or digit ("", "#", ", ") supports no category: a person must look. */
export function evidenceProblem(evidence: string): string | undefined {
  return /[\p{L}\p{N}]/u.test(evidence) ? undefined : "the model quoted no evidence from the document";
}

import { z } from "zod";
import type { ClassificationRecord } from "../store/classifications-repo.js";

export const DECISION_KINDS = ["accept", "set"] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** What a human row carries in `details`. */
export const decisionDetailsSchema = z.object({
  decision: z.enum(DECISION_KINDS),
  previousClassificationId: z.number().nullable(),
  correctedFrom: z.string().nullable(),
});

/** A person's accept or set (not the row that restores an earlier classification on undo). */
export function isHumanDecision(c: ClassificationRecord): boolean {
  return c.source === "human" && decisionDetailsSchema.safeParse(c.details).success;
}

export function undoneId(c: ClassificationRecord): number | undefined {
  const value = c.details.undoneClassificationId;
  return typeof value === "number" ? value : undefined;
}

const rankingSchema = z.array(z.object({ category: z.string(), probability: z.number() }));

/** The built-in classifier's ranking stored with an automatic classification, if any. */
export function storedRanking(
  c: Pick<ClassificationRecord, "details"> | undefined,
): z.infer<typeof rankingSchema> | undefined {
  const builtin = c?.details.builtin;
  if (typeof builtin !== "object" || builtin === null || !("ranking" in builtin)) return undefined;
  const parsed = rankingSchema.safeParse(builtin.ranking);
  return parsed.success ? parsed.data : undefined;
}

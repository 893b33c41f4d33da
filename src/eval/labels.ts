import { readFileSync } from "node:fs";
import { z } from "zod";
import { UsageError } from "../errors.js";

const labelSchema = z.looseObject({
  file: z.string().min(1),
  category: z.string().min(1),
});
export type Label = z.infer<typeof labelSchema>;

/** labels.json: an array of { file (relative to the folder), category }; other keys are ignored. */
export function loadLabels(file: string, categories: readonly string[]): Label[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file}: cannot read the labels (${(error as Error).message}).`, { cause: error });
  }
  const parsed = z.array(labelSchema).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid labels"}.`,
    );
  }
  const unknown = parsed.data.find((l) => !categories.includes(l.category));
  if (unknown) {
    throw new UsageError(
      `${file}: "${unknown.category}" (${unknown.file}) is not a category of the taxonomy (${categories.join(", ")}).`,
    );
  }
  return parsed.data;
}

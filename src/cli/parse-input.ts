import type { z } from "zod";
import { formatIssues } from "../config/format-issues.js";
import { UsageError } from "../errors.js";

/** CLI input is a trust boundary: options are validated with zod and refused with the option and the reason. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = "option"): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, input).map((line) =>
    line.replace(/^/, what === "option" ? "--" : ""),
  );
  throw new UsageError(`invalid ${what}: ${lines.join("; ")}`);
}

import type { Config } from "../config/schema.js";
import { UsageError } from "../errors.js";

/** A category named on the command line must be one of the taxonomy's: anything else is bad usage (exit 2). */
export function checkCategory(config: Pick<Config, "taxonomy">, category: string): string {
  const names = config.taxonomy.map((c) => c.name);
  if (!names.includes(category))
    throw new UsageError(`"${category}" is not a category; choose one of ${names.join(", ")}.`);
  return category;
}

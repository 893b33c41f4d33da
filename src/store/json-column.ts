import type { z } from "zod";

/** JSON columns are a trust boundary too: parse them with the schema, fall back when a row is damaged. */
export function parseJsonColumn<T>(text: string | null, schema: z.ZodType<T>, fallback: T): T {
  if (text === null || text === "") return fallback;
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : fallback;
  } catch {
    return fallback;
  }
}

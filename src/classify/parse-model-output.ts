import type { z } from "zod";

export type ParseOutcome<T> = { ok: true; value: T; lenient: boolean } | { ok: false; problem: string };

/**
 * Reads the model's answer even when it is wrapped in a ```json fence, preceded by prose or a <think> block —
 * things LangChain's parser rejects — and reports what is wrong in words the model can act on.
 */
export function parseModelOutput<T>(raw: string, schema: z.ZodType<T>): ParseOutcome<T> {
  const candidate = extractJsonObject(raw);
  if (candidate === undefined) return { ok: false, problem: "the answer contained no JSON object" };
  let data: unknown;
  try {
    data = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, problem: `the JSON does not parse (${(error as Error).message})` };
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return { ok: false, problem: issues.join("; ") };
  }
  return { ok: true, value: result.data, lenient: candidate.trim() !== raw.trim() };
}

function extractJsonObject(raw: string): string | undefined {
  const withoutThinking = raw.replace(/<think>[\s\S]*?<\/think>/gi, "");
  const start = withoutThinking.indexOf("{");
  const end = withoutThinking.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  return withoutThinking.slice(start, end + 1);
}

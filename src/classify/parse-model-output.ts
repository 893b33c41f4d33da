import { Allow, parse as parsePartialJson } from "partial-json";
import type { z } from "zod";

export type ParseOutcome<T> = { ok: true; value: T; lenient: boolean } | { ok: false; problem: string };

/**
 * Reads the model's answer even when it is wrapped in a ```json fence, preceded by prose (which may hold braces of
 * its own: `Here is my answer for {the file}: {…}`) or a <think> block — things LangChain's parser rejects. Every
 * balanced `{…}` in the answer is a candidate, in order; the first that parses as JSON and matches the schema wins.
 * When none does, the problem of the most complete candidate is reported in words the model can act on.
 */
export function parseModelOutput<T>(raw: string, schema: z.ZodType<T>): ParseOutcome<T> {
  const text = withoutThinking(raw);
  let best: { length: number; problem: string } | undefined;
  for (const candidate of balancedObjects(text)) {
    const outcome = parseCandidate(candidate, schema);
    if (outcome.ok) return { ok: true, value: outcome.value, lenient: candidate.trim() !== raw.trim() };
    const rank = candidate.length + (outcome.parsed ? 1_000_000 : 0);
    if (!best || rank > best.length) best = { length: rank, problem: outcome.problem };
  }
  return { ok: false, problem: best?.problem ?? "the answer contained no JSON object" };
}

/**
 * The members of an answer that was cut off (Ollama's `done_reason: "length"`) whose values are complete: strings,
 * numbers and literals cut mid-way are left out, arrays keep their complete elements, objects their complete
 * members. Undefined when the answer holds no JSON object at all. Validate each member before use: an object whose
 * last member was cut is kept without it. Parsing is partial-json's (MIT), with partial strings and numbers
 * disallowed.
 */
export function parseCutOutput(raw: string): Record<string, unknown> | undefined {
  const text = withoutThinking(raw);
  const start = /\{\s*"/.exec(text)?.index;
  if (start === undefined) return undefined;
  try {
    const value: unknown = parsePartialJson(text.slice(start), Allow.OBJ | Allow.ARR);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function withoutThinking(raw: string): string {
  return raw.replace(/<think>[\s\S]*?<\/think>/gi, "");
}

type CandidateOutcome<T> = { ok: true; value: T } | { ok: false; parsed: boolean; problem: string };

function parseCandidate<T>(candidate: string, schema: z.ZodType<T>): CandidateOutcome<T> {
  let data: unknown;
  try {
    data = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, parsed: false, problem: `the JSON does not parse (${(error as Error).message})` };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  return { ok: false, parsed: true, problem: issues.join("; ") };
}

/**
 * Every substring that starts at a `{` and ends at the brace that balances it, in order of its start. Braces inside
 * JSON strings do not count once a string has begun inside a candidate (`{"a": "}"}` is one candidate).
 */
export function* balancedObjects(text: string): Generator<string> {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    if (end !== undefined) yield text.slice(start, end + 1);
  }
}

function matchingBrace(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

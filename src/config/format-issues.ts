import type { z } from "zod";

/** `model.numCtx: expected number, received string (got "big")` — one line per issue. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    const got = valueAt(input, issue.path);
    const gotText = got === undefined ? "" : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
    return `${path}: ${issue.message}${gotText}`;
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

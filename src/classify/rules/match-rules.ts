import type { RuleField, RuleRecord } from "../../store/rules-repo.js";
import { senderOf } from "./sender.js";

export interface RuleInput {
  name: string;
  text: string;
}

export interface RuleMatch {
  rule: RuleRecord;
  /** What the rule matched, for the evidence. */
  matched: string;
}

export type RuleOutcome =
  | { kind: "none" }
  | { kind: "match"; category: string; matches: RuleMatch[] }
  | { kind: "conflict"; matches: RuleMatch[] };

/** Regexes run on the first part of the text only, so a careless pattern cannot stall the pipeline on a huge file. */
const MAX_REGEX_CHARS = 100_000;

/** Every enabled rule against the document; rules that agree on one category decide, disagreeing rules conflict. */
export function matchRules(rules: readonly RuleRecord[], input: RuleInput): RuleOutcome {
  if (rules.length === 0) return { kind: "none" };
  let sender: string | null | undefined;
  const fieldValue = (field: RuleField): string => {
    if (field === "name") return input.name;
    if (field === "text") return input.text;
    sender ??= senderOf(input.text);
    return sender ?? "";
  };
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    const matched = matchOne(rule, fieldValue(rule.field));
    if (matched !== undefined) matches.push({ rule, matched });
  }
  if (matches.length === 0) return { kind: "none" };
  const categories = new Set(matches.map((m) => m.rule.category));
  const [category] = categories;
  return categories.size === 1 && category !== undefined
    ? { kind: "match", category, matches }
    : { kind: "conflict", matches };
}

function matchOne(rule: RuleRecord, value: string): string | undefined {
  if (rule.match === "keyword") {
    const haystack = fold(value);
    const at = haystack.indexOf(fold(rule.pattern));
    return at >= 0 ? value.slice(at, at + rule.pattern.length) : undefined;
  }
  const regex = compileRulePattern(rule.pattern);
  return regex?.exec(value.slice(0, MAX_REGEX_CHARS))?.[0];
}

/** Case-insensitive; undefined when the pattern does not compile (checked when the rule is added). */
export function compileRulePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "iu");
  } catch {
    return undefined;
  }
}

/** Same length as the input, so a match position maps back to the original text. */
function fold(text: string): string {
  return text.toLowerCase().replace(/\s/g, " ");
}

export function describeRule(rule: RuleRecord): string {
  const how = rule.match === "keyword" ? "contains" : "matches";
  return `#${rule.id}: ${rule.field} ${how} ${JSON.stringify(rule.pattern)} → ${rule.category}`;
}

import type { ConfirmedExample } from "../../store/examples-index.js";
import type { RuleField, RuleRecord } from "../../store/rules-repo.js";
import { senderDomain, senderLetterhead } from "./sender.js";

export interface RuleSuggestion {
  field: RuleField;
  match: "keyword";
  pattern: string;
  category: string;
  /** Corrections to `category` that share this sender or name. */
  corrections: number;
  /** Every confirmed document with this key, corrections included; all of them are in `category`. */
  confirmed: number;
  documentIds: number[];
}

interface Keyed {
  field: RuleField;
  pattern: string;
}

/**
 * Rules a person would probably want: several documents from the same sender domain, letterhead or file-name
 * prefix that were all corrected to the same category, with no confirmed document of that key in another one.
 */
export function suggestRules(
  examples: readonly ConfirmedExample[],
  rules: readonly RuleRecord[],
  minCorrections: number,
): RuleSuggestion[] {
  const groups = new Map<string, { key: Keyed; members: ConfirmedExample[] }>();
  for (const example of examples) {
    for (const key of keysOf(example)) {
      const id = `${key.field}\u0000${key.pattern}`;
      const group = groups.get(id) ?? { key, members: [] };
      group.members.push(example);
      groups.set(id, group);
    }
  }
  const suggestions: RuleSuggestion[] = [];
  for (const { key, members } of groups.values()) {
    const categories = new Set(members.map((m) => m.category));
    const [category] = categories;
    if (categories.size !== 1 || category === undefined) continue;
    const corrections = members.filter((m) => m.correctedFrom !== null && m.correctedFrom !== category);
    if (corrections.length < minCorrections) continue;
    const exists = rules.some(
      (r) => r.field === key.field && r.pattern.toLowerCase() === key.pattern.toLowerCase(),
    );
    if (exists) continue;
    suggestions.push({
      ...key,
      match: "keyword",
      category,
      corrections: corrections.length,
      confirmed: members.length,
      documentIds: members.map((m) => m.documentId),
    });
  }
  return suggestions.sort((a, b) => b.corrections - a.corrections || a.pattern.localeCompare(b.pattern));
}

function keysOf(example: ConfirmedExample): Keyed[] {
  const keys: Keyed[] = [];
  const domain = senderDomain(example.sender);
  if (domain) keys.push({ field: "sender", pattern: `@${domain}` });
  const letterhead = senderLetterhead(example.sender);
  if (letterhead && letterhead.length >= 4) keys.push({ field: "sender", pattern: letterhead });
  const prefix = /^([\p{L}]{4,})[\s_-]/u.exec(example.name)?.[1];
  if (prefix) keys.push({ field: "name", pattern: `${prefix}` });
  return keys;
}

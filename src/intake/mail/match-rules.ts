import type { MailRule } from "../../config/mail-schema.js";
import type { MessageSummary } from "./message-summary.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RuleMatch {
  rule: MailRule;
  /** The rule's name, or `rule N` (1-based). */
  label: string;
}

/** The first rule the message meets, or undefined: such a message is left alone. Text tests ignore case. */
export function matchRule(
  rules: readonly MailRule[],
  message: MessageSummary,
  now = new Date(),
): RuleMatch | undefined {
  for (const [index, rule] of rules.entries()) {
    if (meets(rule, message, now)) return { rule, label: rule.name ?? `rule ${index + 1}` };
  }
  return undefined;
}

function meets(rule: MailRule, message: MessageSummary, now: Date): boolean {
  if (rule.from && !message.from.some((address) => contains(address, rule.from))) return false;
  if (rule.to && !message.recipients.some((address) => contains(address, rule.to))) return false;
  if (rule.subject && !contains(message.subject ?? "", rule.subject)) return false;
  if (rule.hasAttachment !== undefined && rule.hasAttachment !== message.attachments.length > 0) return false;
  if (rule.maxAgeDays !== undefined) {
    const received = Date.parse(message.receivedAt ?? message.sentAt ?? "");
    if (Number.isNaN(received) || now.getTime() - received > rule.maxAgeDays * DAY_MS) return false;
  }
  return true;
}

function contains(text: string, part: string | undefined): boolean {
  return part === undefined || text.toLocaleLowerCase().includes(part.toLocaleLowerCase());
}

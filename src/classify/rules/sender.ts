const FROM_LINE = /^from:\s*(.*)$/im;
const EMAIL = /[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/;

/**
 * Who sent a document, as far as its text tells: the From: address of an email, otherwise the first email
 * address in the text, plus the letterhead (the first non-empty line). Used by `sender` rules and rule suggestions.
 */
export function senderOf(text: string): string | null {
  const head = text.slice(0, 3000);
  const from = FROM_LINE.exec(head)?.[1]?.trim();
  const address = EMAIL.exec(from ?? "")?.[0] ?? EMAIL.exec(head)?.[0];
  const letterhead = head
    .split("\n")
    .map((line) => line.replace(/[#*|]/g, " ").replace(/\s+/g, " ").trim())
    .find((line) => line.length >= 3 && !/^(subject|from|to|date):/i.test(line));
  const parts = [address?.toLowerCase(), letterhead?.slice(0, 80)].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(" | ") : null;
}

/** The domain of the sender's email address, if there is one. */
export function senderDomain(sender: string | null): string | null {
  return EMAIL.exec(sender ?? "")?.[1]?.toLowerCase() ?? null;
}

/** The letterhead part of `senderOf`. */
export function senderLetterhead(sender: string | null): string | null {
  if (!sender) return null;
  const parts = sender.split(" | ");
  const last = parts.at(-1) ?? "";
  return EMAIL.test(last) && parts.length === 1 ? null : last || null;
}

import { describe, expect, it } from "vitest";
import { matchRules } from "../../src/classify/rules/match-rules.js";
import { senderOf } from "../../src/classify/rules/sender.js";
import { suggestRules } from "../../src/classify/rules/suggest-rules.js";
import type { ConfirmedExample } from "../../src/store/examples-index.js";
import type { RuleRecord } from "../../src/store/rules-repo.js";

function rule(id: number, partial: Partial<RuleRecord>): RuleRecord {
  return {
    id,
    field: "text",
    match: "keyword",
    pattern: "",
    category: "other",
    enabled: true,
    note: null,
    createdBy: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    ...partial,
  };
}

const EMAIL =
  "Subject: Your order\nFrom: Shop <orders@shop.example>\nTo: me@home.example\n\nThanks for your order";

describe("rules", () => {
  it("match on text, file name and sender; agreeing rules decide, disagreeing ones conflict", () => {
    const rules = [
      rule(1, { field: "sender", pattern: "@shop.example", category: "receipt" }),
      rule(2, { field: "name", match: "regex", pattern: "^order-\\d+", category: "receipt" }),
      rule(3, { field: "text", pattern: "KONTOAUSZUG", category: "bank_statement" }),
    ];
    expect(matchRules(rules, { name: "order-17.eml", text: EMAIL })).toMatchObject({
      kind: "match",
      category: "receipt",
      matches: [{ rule: { id: 1 } }, { rule: { id: 2 }, matched: "order-17" }],
    });
    expect(matchRules(rules, { name: "x.txt", text: "Kontoauszug Nr. 3" })).toMatchObject({
      kind: "match",
      category: "bank_statement",
    });
    expect(matchRules(rules, { name: "order-1.pdf", text: "kontoauszug" })).toMatchObject({
      kind: "conflict",
    });
    expect(matchRules(rules, { name: "x.txt", text: "nothing" })).toEqual({ kind: "none" });
  });

  it("reads the sender from an email's From line or the first address, plus the letterhead", () => {
    expect(senderOf(EMAIL)).toBe("orders@shop.example | Thanks for your order");
    expect(senderOf("ACME GmbH\nbilling@acme.example\nRechnung")).toBe("billing@acme.example | ACME GmbH");
  });

  it("suggests a rule from repeated corrections of one sender, with the evidence count", () => {
    const example = (
      id: number,
      sender: string,
      category: string,
      correctedFrom: string | null,
    ): ConfirmedExample => ({
      documentId: id,
      classificationId: id,
      category,
      correctedFrom,
      name: `doc-${id}.pdf`,
      sender,
      text: "",
      confirmedAt: "2025-01-01T00:00:00.000Z",
    });
    const examples = [
      ...[1, 2, 3, 4, 5].map((id) => example(id, `shop${id}@shop.example | Shop`, "receipt", "invoice")),
      example(6, "a@mixed.example", "receipt", "invoice"),
      example(7, "b@mixed.example", "invoice", null),
      example(8, "c@mixed.example", "receipt", "invoice"),
      example(9, "d@mixed.example", "receipt", "letter"),
    ];

    const suggestions = suggestRules(examples, [], 3);

    expect(suggestions).toContainEqual(
      expect.objectContaining({
        field: "sender",
        pattern: "@shop.example",
        category: "receipt",
        corrections: 5,
      }),
    );
    expect(suggestions.some((s) => s.pattern === "@mixed.example")).toBe(false);
    const existing = [rule(1, { field: "sender", pattern: "@shop.example", category: "receipt" })];
    expect(suggestRules(examples, existing, 3).some((s) => s.pattern === "@shop.example")).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invoiceTotal, parseAmount } from "../../src/review/priority-amount.js";
import { listReviewQueue } from "../../src/review/review-queue.js";
import type { Store } from "../../src/store/store.js";
import { testConfig } from "../support/test-config.js";
import { addDocument, openTestStore, type TestStore } from "./fixtures.js";

let t: TestStore;
let store: Store;
beforeEach(() => {
  t = openTestStore();
  store = t.store;
});
afterEach(() => t.cleanup());

describe("the review queue", () => {
  it("puts invoices above review.priorityAmount first, then the least confident", () => {
    const small = addDocument(store, {
      name: "small.txt",
      text: "Invoice\nTotal due 80.00",
      category: "invoice",
      confidence: 0.3,
    });
    const letter = addDocument(store, {
      name: "letter.txt",
      text: "Dear Sir",
      category: "letter",
      confidence: 0.6,
    });
    const big = addDocument(store, {
      name: "big.txt",
      text: "RECHNUNG\nGesamtbetrag: 4.279,42 €",
      category: "invoice",
      confidence: 0.69,
    });
    const empty = addDocument(store, { name: "empty.pdf", text: "", reason: "no text" });
    addDocument(store, { name: "done.txt", text: "x", category: "letter", confidence: 0.9, status: "done" });
    const broken = addDocument(store, {
      name: "broken.txt",
      text: "text",
      status: "failed",
      reason: "Ollama answered 500: boom",
    });

    const queue = listReviewQueue(store, testConfig({ review: { priorityAmount: 1000 } }));

    expect(queue.map((i) => i.document.id)).toEqual([big.id, empty.id, broken.id, small.id, letter.id]);
    expect(queue[0]).toMatchObject({ priority: true, amount: 4279.42, reasonKind: "low confidence" });
    expect(queue[1]).toMatchObject({ reasonKind: "no text" });
    expect(queue[2]).toMatchObject({
      reasonKind: "model failed",
      reason: "model failed: Ollama answered 500: boom",
    });
  });

  it.each([
    ["TOTAL DUE: $14,295.00", 14295],
    ["Gesamtbetrag: 1.234,56 €", 1234.56],
    ["Total TTC: 5 508,00 €", 5508],
    ["Total CHF 1’180.00", 1180],
    ["TOTAL CREDIT: -$1,062.31", -1062.31],
  ])("reads the total of %s", (line, expected) => {
    expect(invoiceTotal(`Invoice\nQty 3 at 12.00\n${line}\n`)).toBe(expected);
  });

  it("parses the usual number formats", () => {
    expect(parseAmount("1.250,00")).toBe(1250);
    expect(parseAmount("1,250.00")).toBe(1250);
    expect(parseAmount("38.40")).toBe(38.4);
  });
});

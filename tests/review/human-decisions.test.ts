import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { acceptDocument, setCategory, undoDecision } from "../../src/review/human-decisions.js";
import { ExamplesIndex } from "../../src/store/examples-index.js";
import type { Store } from "../../src/store/store.js";
import { addDocument, CATEGORIES, eventCount, openTestStore, type TestStore } from "./fixtures.js";

let t: TestStore;
let store: Store;
beforeEach(() => {
  t = openTestStore();
  store = t.store;
});
afterEach(() => t.cleanup());

const INVOICE_TEXT = "ACME Ltd\nInvoice No. 17\nTotal due: 119.00 EUR\nPlease pay within 14 days.";
const by = { actor: "alice" };

describe("human decisions", () => {
  it("accept appends a human row, routes the document once and makes it a confirmed example", () => {
    const doc = addDocument(store, {
      name: "acme.txt",
      text: INVOICE_TEXT,
      category: "invoice",
      confidence: 0.55,
    });

    const outcome = acceptDocument(store, doc.id, { actor: "alice", note: "looks right" });

    expect(outcome.route).toBeDefined();
    expect(outcome.document.status).toBe("done");
    const history = store.classifications.history(doc.id);
    expect(history.map((c) => c.source)).toEqual(["llm", "human"]);
    expect(history[1]).toMatchObject({
      category: "invoice",
      actor: "alice",
      note: "looks right",
      confidence: 1,
    });
    expect(history[1]?.details).toMatchObject({
      decision: "accept",
      previousClassificationId: history[0]?.id,
    });
    expect(eventCount(store, doc.id, "routed")).toBe(1);
    expect(new ExamplesIndex(store.db).get(doc.id)).toMatchObject({
      category: "invoice",
      correctedFrom: null,
    });
  });

  it("a correction of a done document re-routes it once; repeating it changes nothing", () => {
    const doc = addDocument(store, {
      name: "acme.txt",
      text: INVOICE_TEXT,
      category: "receipt",
      confidence: 0.9,
      status: "done",
    });

    const first = setCategory(store, doc.id, "invoice", CATEGORIES, by);
    const again = setCategory(store, doc.id, "invoice", CATEGORIES, by);

    expect(first).toMatchObject({ changed: true, document: { status: "done" } });
    expect(first.route).toBeDefined();
    expect(again).toMatchObject({ changed: false, route: undefined });
    expect(eventCount(store, doc.id, "routed")).toBe(1);
    expect(eventCount(store, doc.id, "decided")).toBe(1);
    expect(new ExamplesIndex(store.db).get(doc.id)).toMatchObject({
      category: "invoice",
      correctedFrom: "receipt",
    });
  });

  it("accepting a document that is already done confirms it without routing it again", () => {
    const doc = addDocument(store, {
      name: "a.txt",
      text: INVOICE_TEXT,
      category: "invoice",
      confidence: 0.9,
      status: "done",
    });

    const outcome = acceptDocument(store, doc.id, by);

    expect(outcome).toMatchObject({ changed: true, route: undefined, document: { status: "done" } });
    expect(eventCount(store, doc.id, "routed")).toBe(0);
    expect(new ExamplesIndex(store.db).count()).toBe(1);
  });

  it("undo restores the previous classification with a new row, never deleting, and puts it back in review", () => {
    const doc = addDocument(store, {
      name: "acme.txt",
      text: INVOICE_TEXT,
      category: "receipt",
      confidence: 0.5,
    });
    const decided = setCategory(store, doc.id, "invoice", CATEGORIES, by);

    const undone = undoDecision(store, doc.id, { actor: "bob", note: "misclick" });

    const history = store.classifications.history(doc.id);
    expect(history.map((c) => `${c.source}:${c.category}`)).toEqual([
      "llm:receipt",
      "human:invoice",
      "llm:receipt",
    ]);
    expect(history[2]?.details).toMatchObject({
      undoneClassificationId: decided.classification.id,
      restoredClassificationId: history[0]?.id,
    });
    expect(history[2]).toMatchObject({ actor: "bob", note: "misclick" });
    expect(undone.document).toMatchObject({ status: "needs_review" });
    expect(undone.document.reason).toMatch(/^decision undone by bob/);
    expect(new ExamplesIndex(store.db).get(doc.id)).toBeUndefined();
    expect(() => undoDecision(store, doc.id, by)).toThrow(/no human decision to undo/);
  });

  it("set works on a document without text or classification; accept explains what to do instead", () => {
    const doc = addDocument(store, { name: "empty.pdf", text: "", reason: "no text" });

    expect(() => acceptDocument(store, doc.id, by)).toThrow(/use docsort set/);
    const outcome = setCategory(store, doc.id, "other", CATEGORIES, by);

    expect(outcome.document.status).toBe("done");
    expect(new ExamplesIndex(store.db).count()).toBe(0);
  });

  it("undo of a decision on a document that had no category says so, and invents none", () => {
    const doc = addDocument(store, { name: "empty.pdf", text: "", reason: "no text" });
    setCategory(store, doc.id, "other", CATEGORIES, by);

    expect(() => undoDecision(store, doc.id, by)).toThrow(/had no category before alice set it to other/);
    expect(store.classifications.history(doc.id).map((c) => `${c.source}:${c.category}`)).toEqual([
      "human:other",
    ]);
    expect(store.documents.get(doc.id)?.status).toBe("done");
  });

  it("refuses unknown categories, unknown documents and documents still in progress", () => {
    const doc = addDocument(store, {
      name: "a.txt",
      text: INVOICE_TEXT,
      category: "invoice",
      status: "queued",
    });
    expect(() => setCategory(store, doc.id, "spaceship", CATEGORIES, by)).toThrow(/not a category/);
    expect(() => acceptDocument(store, 999, by)).toThrow(UsageError);
    expect(() => acceptDocument(store, doc.id, by)).toThrow(/is queued; wait/);
  });
});

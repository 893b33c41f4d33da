import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { routeDocument } from "../../src/route/route-document.js";
import { nowIso } from "../../src/store/clock.js";
import { addDocument, classify, type Fixture, openFixture } from "../handlers/fixtures.js";

let fixture: Fixture;
beforeEach(() => {
  fixture = openFixture();
  const { store } = fixture;
  const webhook = { url: "http://127.0.0.1:9/hook" };
  for (const [name, categories, minConfidence] of [
    ["letters", ["letter"], 0],
    ["receipts", ["receipt"], 0],
    ["everything-sure", ["*"], 0.95],
  ] as const) {
    store.handlers.add(
      {
        name,
        kind: "webhook",
        config: webhook,
        trigger: "document.classified",
        categories,
        minConfidence,
        enabled: true,
      },
      nowIso(),
    );
  }
  store.handlers.add(
    {
      name: "later",
      kind: "webhook",
      config: webhook,
      trigger: "invoice.approved",
      categories: ["*"],
      minConfidence: 0,
      enabled: true,
    },
    nowIso(),
  );
});
afterEach(() => fixture.cleanup());

const runNames = (documentId: number) =>
  fixture.store.handlerRuns.forDocument(documentId).map((r) => `${r.handlerName}:${r.category}`);

describe("routeDocument", () => {
  it("writes one run per matching handler and marks the document done, saying why others did not fire", () => {
    const letter = addDocument(fixture, { name: "a.txt", text: "Dear Sir", category: "letter" });
    const result = routeDocument(fixture.store, letter.id);
    expect(result).toMatchObject({ runs: 1, document: { status: "done", claimedBy: null } });
    expect(runNames(letter.id)).toEqual(["letters:letter"]);
    const routed = fixture.store.events.forDocument(letter.id).find((e) => e.type === "routed");
    expect(routed?.data?.notFired).toEqual([
      { handler: "invoice-workflow", reason: "category letter is not one of invoice" },
      { handler: "receipts", reason: "category letter is not one of receipt" },
      { handler: "everything-sure", reason: "confidence 0.90 < 0.95" },
    ]);
  });

  it("a second routing of the same decision adds nothing", () => {
    const letter = addDocument(fixture, { name: "a.txt", text: "Dear Sir", category: "letter" });
    routeDocument(fixture.store, letter.id);
    fixture.store.transition(letter.id, { to: "routing" });
    expect(routeDocument(fixture.store, letter.id).runs).toBe(0);
    expect(runNames(letter.id)).toEqual(["letters:letter"]);
  });

  it("does nothing for a document that is not in routing (needs_review waits for a person)", () => {
    const unsure = addDocument(fixture, {
      name: "u.txt",
      text: "hm",
      category: "letter",
      status: "needs_review",
    });
    expect(routeDocument(fixture.store, unsure.id)).toMatchObject({
      runs: 0,
      document: { status: "needs_review" },
    });
    expect(runNames(unsure.id)).toEqual([]);
  });

  it("a correction routes again: the new category's handlers run, runs of the old one stay and are not repeated", () => {
    const doc = addDocument(fixture, { name: "r.txt", text: "Cafe receipt 4.50", category: "letter" });
    routeDocument(fixture.store, doc.id);
    classify(fixture, doc.id, "receipt", 1, "human");
    fixture.store.transition(doc.id, { to: "routing" });
    expect(routeDocument(fixture.store, doc.id).runs).toBe(2);
    expect(runNames(doc.id)).toEqual(["letters:letter", "receipts:receipt", "everything-sure:receipt"]);
    classify(fixture, doc.id, "letter", 1, "human");
    fixture.store.transition(doc.id, { to: "routing" });
    routeDocument(fixture.store, doc.id);
    // letters:letter exists already; only the sure-handler is new, a person being sure (confidence 1)
    expect(runNames(doc.id)).toEqual([
      "letters:letter",
      "receipts:receipt",
      "everything-sure:receipt",
      "everything-sure:letter",
    ]);
  });

  it("a changed handler config is a new decision; disabled handlers do not fire", () => {
    const doc = addDocument(fixture, { name: "a.txt", text: "Dear Sir", category: "letter" });
    routeDocument(fixture.store, doc.id);
    const before = fixture.store.handlers.get("letters");
    fixture.store.handlers.replace(
      "letters",
      {
        name: "letters",
        kind: "webhook",
        config: { url: "http://127.0.0.1:9/other" },
        trigger: "document.classified",
        categories: ["letter"],
        minConfidence: 0,
        enabled: true,
      },
      nowIso(),
    );
    expect(fixture.store.handlers.get("letters")?.configVersion).toBe((before?.configVersion ?? 0) + 1);
    fixture.store.transition(doc.id, { to: "routing" });
    expect(routeDocument(fixture.store, doc.id).runs).toBe(1);
    fixture.store.handlers.setEnabled("letters", false, nowIso());
    const other = addDocument(fixture, { name: "b.txt", text: "Dear Madam", category: "letter" });
    expect(routeDocument(fixture.store, other.id).runs).toBe(0);
  });
});

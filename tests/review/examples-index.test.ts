import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setCategory } from "../../src/review/human-decisions.js";
import { ExamplesIndex } from "../../src/store/examples-index.js";
import type { Store } from "../../src/store/store.js";
import { addDocument, CATEGORIES, openTestStore, type TestStore } from "./fixtures.js";

let t: TestStore;
let store: Store;
beforeEach(() => {
  t = openTestStore();
  store = t.store;
});
afterEach(() => t.cleanup());

function confirm(name: string, text: string, category: string): number {
  const doc = addDocument(store, { name, text, category, confidence: 0.4 });
  setCategory(store, doc.id, category, CATEGORIES, { actor: "alice" });
  return doc.id;
}

describe("the confirmed-examples index (FTS5, bm25)", () => {
  it("finds the most similar confirmed documents first, never the document itself", () => {
    const taxi = confirm(
      "taxi.txt",
      "Taxi Zentrale Quittung Fahrpreis Trinkgeld Fahrt vom Bahnhof",
      "receipt",
    );
    confirm(
      "lease.txt",
      "Tenancy agreement between landlord and tenant, monthly rent and deposit",
      "contract",
    );
    confirm("cv.txt", "Curriculum vitae, work experience, education, skills", "resume");
    const index = new ExamplesIndex(store.db);

    const similar = index.similar("Quittung Taxi: Fahrpreis CHF 38.40, Trinkgeld 3.60", 2);

    expect(similar[0]).toMatchObject({ documentId: taxi, category: "receipt", name: "taxi.txt" });
    expect(similar[0]?.excerpt).toContain("Taxi Zentrale");
    expect(similar.length).toBeLessThanOrEqual(2);
    expect(index.similar("Taxi Quittung Fahrpreis", 3, taxi).map((s) => s.documentId)).not.toContain(taxi);
  });

  it("folds accents and case, ignores numbers, and returns nothing for text without shared words", () => {
    confirm("rechnung.txt", "RECHNUNG für Gerüstbau, fällig am 12.03.", "invoice");
    const index = new ExamplesIndex(store.db);
    expect(index.similar("rechnung geruestbau FALLIG", 3)[0]?.category).toBe("invoice");
    expect(index.similar("12.03.2025 4711", 3)).toEqual([]);
    expect(index.similar("completely unrelated words", 3)).toEqual([]);
  });

  it("bumps its version on every change, so the built-in model knows when to retrain", () => {
    const index = new ExamplesIndex(store.db);
    const before = index.version();
    confirm("a.txt", "some words here for a letter", "letter");
    const after = index.version();
    expect(after).not.toBe(before);
    expect(index.all()).toHaveLength(1);
  });
});

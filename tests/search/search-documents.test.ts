import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMatchExpression } from "../../src/search/parse-query.js";
import { searchDocuments, splitSnippet } from "../../src/search/search-documents.js";
import { nowIso } from "../../src/store/clock.js";
import { migrate, openDatabase } from "../../src/store/database.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { Store } from "../../src/store/store.js";
import { addDocument, openTestStore, type TestStore } from "../review/fixtures.js";
import { tempDir } from "../support/temp-dir.js";

let t: TestStore;
let store: Store;
beforeEach(() => {
  t = openTestStore();
  store = t.store;
});
afterEach(() => t.cleanup());

const page = { limit: 20, offset: 0 };

describe("turning what a person types into an FTS5 query", () => {
  it.each([
    ["rechnung", '"rechnung"*'],
    ["ACME invoice", '"ACME"* AND "invoice"*'],
    ["HR-2025-0417", '"HR 2025 0417"*'],
    ['"total due" acme', '"total due" AND "acme"*'],
    ["taxi OR uber receipt", '("taxi"* OR "uber"*) AND "receipt"*'],
    ["März", '"März"*'],
  ])("%s → %s", (input, expected) => {
    expect(toMatchExpression(input)).toBe(expected);
  });

  it.each(['"', "*", "()", "OR", "-- ;", ""])("%j has nothing searchable", (input) => {
    expect(toMatchExpression(input)).toBeUndefined();
  });

  it("FTS5 syntax typed by a person is searched as plain words, never an error", () => {
    addDocument(store, { name: "a.txt", text: "Invoice AND NEAR(total due) 42 * due" });
    for (const input of [
      'invoice AND "',
      "NEAR(total due)",
      "total:*",
      "(((",
      "due OR",
      "OR due",
      "a:b c^d",
    ]) {
      expect(() => searchDocuments(store, { query: input, ...page })).not.toThrow();
    }
    expect(searchDocuments(store, { query: "NEAR(total due)", ...page }).total).toBe(1);
  });
});

describe("full-text search over extracted text", () => {
  it("finds documents by a word in their text, ranks them and marks the words in a snippet", () => {
    const acme = addDocument(store, {
      name: "acme.txt",
      text: "ACME Ltd\nInvoice No. HR-2025-0417\nTotal due: 119.00 EUR\nPlease pay within 14 days.",
      category: "invoice",
      confidence: 0.9,
      status: "done",
    });
    addDocument(store, {
      name: "memo.txt",
      text: "Memo: the canteen is closed on Friday.",
      category: "letter",
    });

    const result = searchDocuments(store, { query: "total", ...page });

    expect(result.total).toBe(1);
    expect(result.items[0]).toMatchObject({ id: acme.id, name: "acme.txt", category: "invoice" });
    const snippet = result.items[0]?.snippet ?? [];
    expect(snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(["Total"]);
    expect(snippet.map((p) => p.text).join("")).toContain("Total due: 119.00 EUR");
    expect(searchDocuments(store, { query: "HR-2025-0417", ...page }).items.map((i) => i.id)).toEqual([
      acme.id,
    ]);
    expect(searchDocuments(store, { query: "canteen friday", ...page }).total).toBe(1);
    expect(searchDocuments(store, { query: "canteen invoice", ...page }).total).toBe(0);
  });

  it("matches prefixes and ignores case and accents", () => {
    const doc = addDocument(store, { name: "de.txt", text: "Rechnung für März: Gesamtbetrag 4.279,42 €" });
    for (const query of ["rechn", "MARZ", "märz", "gesamt", "fur"]) {
      expect(searchDocuments(store, { query, ...page }).items.map((i) => i.id)).toEqual([doc.id]);
    }
  });

  it("searches the newest extraction of a document, and text extracted after the index was built", () => {
    const doc = addDocument(store, { name: "scan.pdf", text: "first reading: blurry" });
    store.extractions.add(
      {
        documentId: doc.id,
        text: "second reading: crisp invoice",
        method: "ocr",
        mime: "application/pdf",
        kind: "pdf",
        pages: 1,
        pagesRead: 1,
        encoding: null,
        language: null,
        ocrConfidence: 90,
        warnings: [],
        durationMs: 5,
      },
      nowIso(),
    );
    expect(searchDocuments(store, { query: "crisp", ...page }).total).toBe(1);
    expect(searchDocuments(store, { query: "blurry", ...page }).total).toBe(0);
  });

  it("filters by category, status, date and vendor, and pages through the results", () => {
    const docs = [1, 2, 3, 4, 5].map((n) =>
      addDocument(store, {
        name: `r${n}.txt`,
        text: `Receipt number ${n} from the taxi company`,
        category: n % 2 === 0 ? "receipt" : "other",
        confidence: 0.8,
        status: n === 5 ? "done" : "needs_review",
      }),
    );
    expect(searchDocuments(store, { query: "taxi", category: "receipt", ...page }).total).toBe(2);
    expect(searchDocuments(store, { query: "taxi", status: "done", ...page }).items.map((i) => i.id)).toEqual(
      [docs[4]?.id],
    );
    const today = nowIso().slice(0, 10);
    expect(searchDocuments(store, { query: "taxi", from: today, to: today, ...page }).total).toBe(5);
    expect(searchDocuments(store, { query: "taxi", to: "2000-01-01", ...page }).total).toBe(0);

    const first = searchDocuments(store, { query: "taxi", limit: 2, offset: 0 });
    const second = searchDocuments(store, { query: "taxi", limit: 2, offset: 2 });
    const third = searchDocuments(store, { query: "taxi", limit: 2, offset: 4 });
    expect(first.total).toBe(5);
    const seen = [...first.items, ...second.items, ...third.items].map((i) => i.id);
    expect(new Set(seen).size).toBe(5);

    store.db
      .prepare(
        "INSERT INTO invoices (document_id, status, vendor, created_at, updated_at) VALUES (?, 'awaiting_approval', ?, ?, ?)",
      )
      .run(docs[1]?.id, "Stadt-Taxi 100% GmbH", nowIso(), nowIso());
    expect(
      searchDocuments(store, { query: "taxi", vendor: "stadt-taxi", ...page }).items.map((i) => i.id),
    ).toEqual([docs[1]?.id]);
    expect(searchDocuments(store, { vendor: "100%", ...page }).total).toBe(1);
    expect(searchDocuments(store, { vendor: "_", ...page }).total).toBe(0);
  });

  it("indexes the texts already stored when an older database is upgraded", () => {
    const dir = tempDir();
    try {
      const file = path.join(dir.path, "docsort.db");
      const before = MIGRATIONS.filter((m) => m.version < 10);
      const old = new Store(openDatabase(file, { migrations: before }));
      addDocument(old, { name: "old.txt", text: "Kündigung der Wohnung zum Monatsende" });
      old.close();
      const db = openDatabase(file);
      expect(migrate(db, MIGRATIONS)).toEqual([]);
      const upgraded = new Store(db);
      expect(searchDocuments(upgraded, { query: "kundigung", ...page }).items.map((i) => i.name)).toEqual([
        "old.txt",
      ]);
      upgraded.close();
    } finally {
      dir.cleanup();
    }
  });

  it("lists documents newest first when there is no query", () => {
    const a = addDocument(store, { name: "a.txt", text: "alpha" });
    const b = addDocument(store, { name: "b.txt", text: "beta" });
    const result = searchDocuments(store, { ...page });
    expect(result.items.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(result.items[0]?.snippet).toBeNull();
  });

  it("splits a snippet at the marks", () => {
    expect(splitSnippet("…the \uE000total\uE001 \uE000due\uE001 now")).toEqual([
      { text: "…the ", hit: false },
      { text: "total", hit: true },
      { text: " ", hit: false },
      { text: "due", hit: true },
      { text: " now", hit: false },
    ]);
  });
});

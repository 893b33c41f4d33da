import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/store/database.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
let store: Store;
beforeEach(() => {
  dir = tempDir();
  store = Store.open(dir.path);
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

const now = "2026-01-01T00:00:00.000Z";

describe("database", () => {
  it("uses WAL, a busy timeout and foreign keys, and records the schema version", () => {
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("busy_timeout", { simple: true })).toBe(10000);
    expect(store.db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
  });

  it("applies only new migrations, each in its own transaction", () => {
    expect(migrate(store.db, MIGRATIONS)).toEqual([]);
    const next = {
      version: (MIGRATIONS.at(-1)?.version ?? 0) + 1,
      name: "broken",
      sql: "CREATE TABLE t (x); SELECT nope FROM nowhere;",
    };
    expect(() => migrate(store.db, [...MIGRATIONS, next])).toThrow();
    expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").all();
    expect(tables).toEqual([]);
  });

  it("refuses a database from a newer docsort", () => {
    store.db.pragma("user_version = 999");
    store.close();
    expect(() => openDatabase(`${dir.path}/docsort.db`)).toThrow(/schema version 999/);
    store = Store.open(`${dir.path}/other`);
  });
});

describe("Store.transition", () => {
  it("changes the status and writes the event in one transaction", () => {
    const doc = store.documents.insert(
      { sha256: "a".repeat(64), path: "/in/a.txt", name: "a.txt", size: 3, status: "queued" },
      now,
    );
    const after = store.transition(doc.id, { to: "needs_review", reason: "no text", data: { chars: 0 } });
    expect(after).toMatchObject({ status: "needs_review", reason: "no text" });
    const [event] = store.events.forDocument(doc.id);
    expect(event).toMatchObject({
      type: "needs_review",
      fromStatus: "queued",
      toStatus: "needs_review",
      message: "no text",
      data: { chars: 0 },
    });
  });

  it("rolls the status back when the event cannot be written", () => {
    const doc = store.documents.insert(
      { sha256: "b".repeat(64), path: "/in/b.txt", name: "b.txt", size: 3, status: "queued" },
      now,
    );
    store.db.exec(
      "CREATE TRIGGER no_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    expect(() => store.transition(doc.id, { to: "done" })).toThrow(/disk full/);
    expect(store.documents.get(doc.id)?.status).toBe("queued");
  });

  it("keeps one original per content; further copies are duplicate rows", () => {
    const sha = "c".repeat(64);
    const first = store.documents.insert(
      { sha256: sha, path: "/in/c.txt", name: "c.txt", size: 3, status: "queued" },
      now,
    );
    expect(() =>
      store.documents.insert(
        { sha256: sha, path: "/in/c2.txt", name: "c2.txt", size: 3, status: "queued" },
        now,
      ),
    ).toThrow(/UNIQUE/);
    const copy = store.documents.insert(
      {
        sha256: sha,
        path: "/in/c2.txt",
        name: "c2.txt",
        size: 3,
        status: "duplicate",
        duplicateOf: first.id,
      },
      now,
    );
    expect(store.documents.findOriginal(sha)?.id).toBe(first.id);
    expect(store.documents.duplicatesOf(first.id).map((d) => d.id)).toEqual([copy.id]);
  });

  it("claims a queued document for exactly one owner, counting the attempt before the work", () => {
    const doc = store.documents.insert(
      { sha256: "d".repeat(64), path: "/in/d.txt", name: "d.txt", size: 3, status: "queued" },
      now,
    );
    expect(store.documents.claimForExtraction("one", now, "heavy")).toMatchObject({
      id: doc.id,
      status: "extracting",
      claimedBy: "one",
      attempts: 1,
    });
    expect(store.documents.claimForExtraction("two", now, "heavy")).toBeUndefined();
    expect(store.documents.claim(doc.id, "two", now)).toBe(false);
  });

  it("claims per lane: fresh work by id first, retries when due, documents with text only for the model", () => {
    const add = (name: string, lane: "light" | "heavy", nextAttemptAt: string | null = null) => {
      const doc = store.documents.insert(
        { sha256: name.padEnd(64, "0"), path: `/in/${name}`, name, size: 3, status: "queued", lane },
        now,
      );
      if (nextAttemptAt) store.documents.update(doc.id, { nextAttemptAt }, now);
      return doc.id;
    };
    const scan = add("a1", "heavy");
    const retried = add("b1", "light", "2025-12-31T23:59:00.000Z");
    const later = add("c1", "light", "2026-01-01T00:05:00.000Z");
    const fresh = add("d1", "light");
    const extracted = add("e1", "light");
    store.extractions.add(
      {
        documentId: extracted,
        text: "stored",
        method: "text",
        mime: "text/plain",
        kind: "text",
        pages: null,
        pagesRead: null,
        encoding: null,
        language: null,
        ocrConfidence: null,
        warnings: [],
        durationMs: 1,
      },
      now,
    );
    const light = () => store.documents.claimForExtraction("me", now, "light")?.id;
    expect([light(), light(), light()]).toEqual([fresh, retried, undefined]);
    expect(store.documents.claimForExtraction("me", now, "heavy")?.id).toBe(scan);
    expect(store.documents.claimExtracted("me", now)?.id).toBe(extracted);
    expect(store.documents.get(later)).toMatchObject({ status: "queued", claimedBy: null });
  });
});

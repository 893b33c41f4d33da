import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_MODEL_CALL } from "../../src/classify/document-classifier.js";
import { openDatabase } from "../../src/store/database.js";
import { type DocumentStatus, FINAL_STATUSES } from "../../src/store/document-status.js";
import { countDocuments } from "../../src/store/document-views.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { collectStats, openDatabaseReadOnly } from "../../src/store/stats-queries.js";
import { databasePath, Store } from "../../src/store/store.js";
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

const HOSTS = [{ url: "http://127.0.0.1:11434", parallel: 2 }];
const at = (day: number, ms: number) => new Date(Date.UTC(2026, 0, day) + ms).toISOString();

let sha = 0;
/** A document that went discovered → extracting → extracted → classified → routed at the given offsets (ms). */
function processed(
  day: number,
  offsets: { extracting: number; extracted: number; classified: number; routed: number },
  classification: { category: string; promptTokens?: number; outputTokens?: number; latencyMs?: number },
  status: DocumentStatus = "done",
): number {
  sha += 1;
  const doc = store.documents.insert(
    { sha256: `sha-${sha}`, path: `/in/${sha}.txt`, name: `${sha}.txt`, size: 10, status },
    at(day, 0),
  );
  const event = (type: string, to: DocumentStatus, ms: number) =>
    store.events.add({ documentId: doc.id, type, toStatus: to }, at(day, ms));
  event("discovered", "queued", 0);
  event("extracting", "extracting", offsets.extracting);
  event("extracted", "classifying", offsets.extracted);
  event("classified", status === "done" ? "routing" : status, offsets.classified);
  if (status === "done") event("routed", "done", offsets.routed);
  store.classifications.add(
    {
      ...baseClassification(doc.id),
      category: classification.category,
      promptTokens: classification.promptTokens ?? null,
      outputTokens: classification.outputTokens ?? null,
      latencyMs: classification.latencyMs ?? null,
    },
    at(day, offsets.classified),
  );
  return doc.id;
}

const steps = (wait: number, extract: number, model: number, route: number) => ({
  extracting: wait,
  extracted: wait + extract,
  classified: wait + extract + model,
  routed: wait + extract + model + route,
});

describe("collectStats", () => {
  it("counts documents per status and per current category", () => {
    const relabelled = processed(1, steps(10, 20, 300, 5), { category: "letter" });
    processed(1, steps(10, 20, 300, 5), { category: "invoice" });
    processed(2, steps(10, 20, 300, 5), { category: "letter" }, "needs_review");
    store.classifications.add(
      { ...baseClassification(relabelled), category: "contract", source: "human", actor: "me" },
      at(3, 0),
    );
    const stats = collectStats(store.db, { hosts: HOSTS });
    expect(stats.documents.total).toBe(3);
    expect(stats.documents.byStatus).toMatchObject({ done: 2, needs_review: 1, failed: 0 });
    expect(stats.documents.byCategory).toEqual({ contract: 1, invoice: 1, letter: 1 });
  });

  it("keeps the per-category counts equal to the newest classification of every document", () => {
    const categories = ["invoice", "letter", "contract", "receipt"];
    const ids = Array.from({ length: 30 }, (_, i) =>
      processed(1, steps(1, 1, 1, 1), { category: categories[i % 4] ?? "invoice" }),
    );
    // corrections: some documents relabelled once, some several times, some back to what they were
    for (const [k, id] of ids.entries()) {
      for (let n = 0; n < k % 4; n += 1)
        store.classifications.add(
          { ...baseClassification(id), category: categories[(k + n + 1) % 4] ?? "invoice", source: "human" },
          at(2, k * 10 + n),
        );
    }
    const scanned = collectStats(store.db, { hosts: HOSTS, since: at(0, 0) }).documents.byCategory;
    expect(collectStats(store.db, { hosts: HOSTS }).documents.byCategory).toEqual(scanned);
    expect(Object.values(scanned).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it("counts the categories of a store classified before the counts were kept", () => {
    store.close();
    const file = path.join(dir.path, "older.db");
    const older = new Store(openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 9) }));
    store = older;
    const relabelled = processed(1, steps(1, 1, 1, 1), { category: "letter" });
    processed(1, steps(1, 1, 1, 1), { category: "letter" });
    older.classifications.add({ ...baseClassification(relabelled), category: "invoice" }, at(2, 0));
    const scanned = collectStats(older.db, { hosts: HOSTS, since: at(0, 0) }).throughput;
    older.close();
    store = new Store(openDatabase(file));
    expect(collectStats(store.db, { hosts: HOSTS }).documents.byCategory).toEqual({ invoice: 1, letter: 1 });
    expect(scanned).toEqual([{ day: "2026-01-01", finished: 2 }]);
    expect(collectStats(store.db, { hosts: HOSTS, since: at(0, 0) }).throughput).toEqual(scanned);
  });

  it.each([
    [9, 2],
    [10, 4],
  ])("keeps 'first became final' in migration %i with the final statuses of the code", (version, uses) => {
    const migration = MIGRATIONS.find((m) => m.version === version)?.sql ?? "";
    const lists = [...migration.matchAll(/to_status IN \(([^)]*)\)/g)].map((m) =>
      (m[1] ?? "").split(",").map((s) => s.trim().replace(/'/g, "")),
    );
    expect(lists).toHaveLength(uses);
    for (const list of lists) expect(new Set(list)).toEqual(new Set(FINAL_STATUSES));
  });

  it("keeps the counts per status, per day and per stage equal to a scan of the rows, as rows are added", () => {
    const day = 86_400_000;
    const today = new Date();
    const base = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 5 * day;
    const iso = (ms: number) => new Date(base + ms).toISOString();
    /** The same history, written into `into`: status changes, stages out of order, finals moved to an earlier day. */
    const fill = (into: Store) => {
      for (let i = 0; i < 12; i += 1) {
        const doc = into.documents.insert(
          { sha256: `k${i}`, path: `/in/k${i}`, name: `k${i}`, size: 1, status: "queued" },
          iso(i * 1000),
        );
        const event = (type: string, to: DocumentStatus, at: number) => {
          into.events.add({ documentId: doc.id, type, toStatus: to }, iso(at));
          into.documents.update(doc.id, { status: to }, iso(at));
        };
        event("discovered", "queued", i * 1000);
        if (i % 4 === 3) continue; // still waiting
        event("extracting", "extracting", i * 1000 + 7 * i);
        event("extracted", "classifying", i * 1000 + 30 * i);
        if (i % 3 === 0) event("extracting", "extracting", i * 1000 + 3); // retried, but recorded late
        const final: DocumentStatus = i % 2 === 0 ? "done" : "needs_review";
        event("classified", final === "done" ? "routing" : final, i * 1000 + 500 + i);
        if (final === "done") event("routed", "done", 2 * day + i * 1000 + 900);
        if (i % 5 === 0) event("human_decision", "failed", day + i); // final a day earlier than it was
        const run = into.handlerRuns.insertIfNew(
          {
            documentId: doc.id,
            invoiceId: null,
            handlerId: 1,
            handlerName: i % 2 === 0 ? "invoice-workflow" : "notify",
            handlerKind: "webhook",
            configVersion: 1,
            position: 10,
            trigger: "document.classified",
            category: "invoice",
            classificationId: null,
            idempotencyKey: `run-${i}`,
          },
          iso(i),
        );
        const outcome = ["succeeded", "dead", "running", "failed"][i % 4];
        if (run && i % 3 !== 2)
          into.db.prepare("UPDATE handler_runs SET status = ? WHERE id = ?").run(outcome, run.id);
      }
    };
    const older = new Store(
      openDatabase(path.join(dir.path, "older.db"), { migrations: MIGRATIONS.filter((m) => m.version < 10) }),
    );
    fill(older);
    fill(store);
    const scanned = collectStats(older.db, { hosts: HOSTS });
    older.close();
    const backfilled = new Store(openDatabase(path.join(dir.path, "older.db")));
    const kept = collectStats(store.db, { hosts: HOSTS });
    expect(kept.documents.byStatus).toEqual(scanned.documents.byStatus);
    expect(kept.documents.total).toBe(12);
    expect(kept.throughput).toEqual(scanned.throughput);
    expect(kept.throughput.map((t) => t.finished)).toEqual([3, 2, 4]);
    expect(kept.sample.latency).toEqual(scanned.sample.latency);
    expect(kept.sample.latency.wait.count).toBe(9);
    expect(kept.handlers).toEqual(scanned.handlers);
    expect(kept.handlers.map((h) => h.handler)).toEqual(["invoice-workflow", "notify"]);
    expect(collectStats(backfilled.db, { hosts: HOSTS })).toEqual(kept);
    for (const status of ["queued", "done", "needs_review", "failed", undefined] as const) {
      const n = store.db
        .prepare<unknown[], { n: number }>(
          `SELECT count(*) AS n FROM documents ${status ? "WHERE status = ?" : ""}`,
        )
        .get(...(status ? [status] : []))?.n;
      expect(countDocuments(store.db, { status })).toBe(n);
    }
    backfilled.close();
  });

  it("gives p50 and p95 per stage from the events' timestamps", () => {
    for (let i = 1; i <= 20; i += 1) processed(1, steps(i * 10, 100, 1000 + i, 7), { category: "letter" });
    const { latency } = collectStats(store.db, { hosts: HOSTS }).sample;
    expect(latency.wait).toEqual({ count: 20, p50: 100, p95: 190 });
    expect(latency.extract).toEqual({ count: 20, p50: 100, p95: 100 });
    expect(latency.model).toEqual({ count: 20, p50: 1010, p95: 1019 });
    expect(latency.route.p50).toBe(7);
    expect(latency.total.p95).toBe(190 + 100 + 1019 + 7);
  });

  it("reports documents finished per day and handler outcomes", () => {
    // midnight (UTC) two days ago: inside the default window of 30 days
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const base = Date.UTC(twoDaysAgo.getUTCFullYear(), twoDaysAgo.getUTCMonth(), twoDaysAgo.getUTCDate());
    const old = store.documents.insert(
      { sha256: "t0", path: "/in/t0", name: "t0", size: 1, status: "done" },
      new Date(base - 40 * 86_400_000).toISOString(),
    );
    store.events.add(
      { documentId: old.id, type: "routed", toStatus: "done" },
      new Date(base - 40 * 86_400_000).toISOString(),
    );
    const doc = store.documents.insert(
      { sha256: "t1", path: "/in/t1", name: "t1", size: 1, status: "done" },
      new Date(base).toISOString(),
    );
    store.events.add(
      { documentId: doc.id, type: "routed", toStatus: "done" },
      new Date(base + 1000).toISOString(),
    );
    store.events.add(
      { documentId: doc.id, type: "human_decision", toStatus: "done" },
      new Date(base + 2000).toISOString(),
    );
    store.events.add(
      { documentId: doc.id, type: "human_decision", toStatus: "done" },
      new Date(base + 86_400_000).toISOString(),
    );
    const second = store.documents.insert(
      { sha256: "t2", path: "/in/t2", name: "t2", size: 1, status: "done" },
      new Date(base).toISOString(),
    );
    store.events.add(
      { documentId: second.id, type: "routed", toStatus: "done" },
      new Date(base + 3000).toISOString(),
    );
    const stats = collectStats(store.db, { hosts: HOSTS });
    // a document counts once, on the day it first became final: decided again later, it is not finished again
    expect(stats.throughput).toEqual([{ day: new Date(base).toISOString().slice(0, 10), finished: 2 }]);

    // finished before the period, requeued and finished again in it: not finished in the period
    const again = store.documents.insert(
      { sha256: "t3", path: "/in/t3", name: "t3", size: 1, status: "done" },
      new Date(base - 40 * 86_400_000).toISOString(),
    );
    store.events.add(
      { documentId: again.id, type: "routed", toStatus: "failed" },
      new Date(base - 40 * 86_400_000).toISOString(),
    );
    store.events.add(
      { documentId: again.id, type: "routed", toStatus: "done" },
      new Date(base + 5000).toISOString(),
    );
    expect(collectStats(store.db, { hosts: HOSTS }).throughput).toEqual(stats.throughput);

    const classificationId = store.classifications.add(
      { ...baseClassification(doc.id) },
      new Date(base).toISOString(),
    ).id;
    for (const [key, outcome] of [
      ["k1", "succeeded"],
      ["k2", "dead"],
      ["k3", "pending"],
    ] as const) {
      const run = store.handlerRuns.insertIfNew(
        {
          documentId: doc.id,
          invoiceId: null,
          handlerId: 1,
          handlerName: "invoice-workflow",
          handlerKind: "invoice",
          configVersion: 1,
          position: 10,
          trigger: "document.classified",
          category: "invoice",
          classificationId,
          idempotencyKey: key,
        },
        new Date(base).toISOString(),
      );
      if (outcome !== "pending") {
        store.db.prepare("UPDATE handler_runs SET status = ? WHERE id = ?").run(outcome, run?.id);
      }
    }
    expect(collectStats(store.db, { hosts: HOSTS }).handlers).toEqual([
      { handler: "invoice-workflow", pending: 1, running: 0, succeeded: 1, failed: 0, dead: 1 },
    ]);
  });

  it("averages tokens per classified document and relates model time to the hosts' slots", () => {
    processed(1, steps(0, 0, 1000, 0), {
      category: "letter",
      promptTokens: 600,
      outputTokens: 80,
      latencyMs: 1000,
    });
    processed(1, steps(0, 0, 3000, 0), {
      category: "letter",
      promptTokens: 400,
      outputTokens: 60,
      latencyMs: 1000,
    });
    const { tokens, utilisation, modelCall } = collectStats(store.db, { hosts: HOSTS }).sample;
    expect(tokens).toEqual({
      documents: 2,
      promptPerDocument: 500,
      cachedPerDocument: null,
      outputPerDocument: 70,
    });
    expect(modelCall).toEqual({ count: 2, p50: 1000, p95: 1000 });
    // calls from 0 to 1000 ms and 2000 to 3000 ms: 2 s busy in a 3 s window with 2 slots
    expect(utilisation).toEqual([
      {
        host: "http://127.0.0.1:11434",
        parallel: 2,
        documents: 2,
        busyMs: 2000,
        windowMs: 3000,
        utilisation: 2000 / 6000,
      },
    ]);
  });

  it("limits everything to what happened since a date, and the sample to the most recent documents", () => {
    processed(1, steps(10, 10, 10, 10), { category: "letter" });
    processed(5, steps(50, 10, 10, 10), { category: "invoice" });
    processed(6, steps(60, 10, 10, 10), { category: "invoice" });
    const since = collectStats(store.db, { hosts: HOSTS, since: at(5, 0) });
    expect(since.documents.total).toBe(2);
    expect(since.documents.byCategory).toEqual({ invoice: 2 });
    expect(since.sample.latency.wait).toEqual({ count: 2, p50: 50, p95: 60 });
    const recent = collectStats(store.db, { hosts: HOSTS, recent: 1 });
    expect(recent.sample.documents).toBe(1);
    expect(recent.sample.latency.wait).toEqual({ count: 1, p50: 60, p95: 60 });
  });
});

describe("openDatabaseReadOnly", () => {
  it("opens an existing database without changing it, and creates nothing when there is none", () => {
    processed(1, steps(1, 1, 1, 1), { category: "letter" });
    const db = openDatabaseReadOnly(databasePath(dir.path));
    expect(db?.readonly).toBe(true);
    expect(() => db?.exec("DELETE FROM documents")).toThrow(/readonly/);
    db?.close();
    expect(openDatabaseReadOnly(path.join(dir.path, "missing", "docsort.db"))).toBeUndefined();
  });
});

describe("percentiles", () => {
  /** Nearest rank, as the stats promise: the value at 1-based rank ceil(p/100 × n) in ascending order. */
  const nearestRank = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil((p / 100) * values.length)) - 1] ?? null;

  it.each([1, 2, 3, 19, 20, 21, 100])("takes the nearest rank over %i documents", (n) => {
    // waits in a scrambled order, with repeats; an extraction time that is negative (clock step) is left out
    const waits = Array.from({ length: n }, (_, i) => ((i * 37) % 11) * 10 + (i % 3));
    for (const [i, wait] of waits.entries())
      processed(
        1,
        { ...steps(wait, 5, 100 + i, 1), extracted: i === 0 ? wait - 1 : wait + 5 },
        { category: "letter" },
      );
    const { latency } = collectStats(store.db, { hosts: HOSTS }).sample;
    expect(latency.wait).toEqual({ count: n, p50: nearestRank(waits, 50), p95: nearestRank(waits, 95) });
    expect(latency.extract.count).toBe(n - 1);
    const totals = waits.map((wait, i) => wait + 5 + 100 + i + 1);
    expect(latency.total).toEqual({ count: n, p50: nearestRank(totals, 50), p95: nearestRank(totals, 95) });
  });
});

function baseClassification(documentId: number) {
  return {
    documentId,
    category: "invoice",
    confidence: 0.9,
    summary: "",
    evidence: "",
    source: "llm" as "llm" | "human",
    ...NO_MODEL_CALL,
    details: {},
    actor: null,
    note: null,
  };
}

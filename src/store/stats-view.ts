import type { Db } from "./database.js";

export interface Stats {
  documents: { total: number; byStatus: Record<string, number>; byCategory: Record<string, number> };
  /** How the current classifications were made: rule, builtin, llm, human. */
  bySource: Record<string, number>;
  invoices: { total: number; byStatus: Record<string, number> };
  handlerRuns: { total: number; byStatus: Record<string, number> };
  /** The newest event id: changes whenever anything happens to a document. */
  lastEventId: number;
}

/** Counts for the stats endpoint and the live status line. Each is one grouped query. */
export function readStats(db: Db): Stats {
  const documents = grouped(db, "SELECT status AS k, count(*) AS n FROM documents GROUP BY status");
  const current = `
    FROM documents d JOIN classifications c
      ON c.id = (SELECT max(id) FROM classifications WHERE document_id = d.id)
    WHERE d.duplicate_of IS NULL`;
  const invoices = grouped(db, "SELECT status AS k, count(*) AS n FROM invoices GROUP BY status");
  const runs = grouped(db, "SELECT status AS k, count(*) AS n FROM handler_runs GROUP BY status");
  return {
    documents: {
      total: sum(documents),
      byStatus: documents,
      byCategory: grouped(db, `SELECT c.category AS k, count(*) AS n ${current} GROUP BY c.category`),
    },
    bySource: grouped(db, `SELECT c.source AS k, count(*) AS n ${current} GROUP BY c.source`),
    invoices: { total: sum(invoices), byStatus: invoices },
    handlerRuns: { total: sum(runs), byStatus: runs },
    lastEventId: lastEventId(db),
  };
}

export function lastEventId(db: Db): number {
  return db.prepare<[], { id: number | null }>("SELECT max(id) AS id FROM events").get()?.id ?? 0;
}

function grouped(db: Db, sql: string): Record<string, number> {
  const rows = db.prepare<[], { k: string; n: number }>(sql).all();
  return Object.fromEntries(rows.map((row) => [row.k, row.n]));
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export interface ActivityEvent {
  id: number;
  documentId: number | null;
  type: string;
  toStatus: string | null;
  message: string | null;
  createdAt: string;
}

/** The newest `limit` events after `afterId`, oldest first: what the live feed sends. */
export function eventsAfter(db: Db, afterId: number, limit: number): ActivityEvent[] {
  return db
    .prepare<[number, number], ActivityEvent>(`
      SELECT id, document_id AS documentId, type, to_status AS toStatus, message, created_at AS createdAt
      FROM events WHERE id > ? ORDER BY id DESC LIMIT ?`)
    .all(afterId, limit)
    .reverse();
}

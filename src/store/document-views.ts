import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";

/** A document with its current classification: what `list` shows. */
export interface DocumentSummary {
  id: number;
  path: string;
  name: string;
  sha256: string;
  size: number;
  status: DocumentStatus;
  reason: string | null;
  category: string | null;
  confidence: number | null;
  source: string | null;
  parentId: number | null;
  duplicateOf: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentFilter {
  status?: DocumentStatus | undefined;
  category?: string | undefined;
  limit?: number | undefined;
}

interface SummaryRow {
  id: number;
  path: string;
  name: string;
  sha256: string;
  size: number;
  status: DocumentStatus;
  reason: string | null;
  category: string | null;
  confidence: number | null;
  source: string | null;
  parent_id: number | null;
  duplicate_of: number | null;
  created_at: string;
  updated_at: string;
}

/**
 * The documents and current classifications a filter selects, and its parameters (`list`, `countDocuments`).
 * "count" joins the classifications only to filter on them: a LEFT JOIN on one row at most never changes how many
 * rows there are. "page" picks the newest `limit` ids from the documents' own index first when no classification
 * is filtered on, so the join runs for those rows only, not for every row of a status before the sort.
 */
function filtered(
  filter: DocumentFilter,
  use: "page" | "count",
): { from: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.status) {
    where.push("d.status = ?");
    params.push(filter.status);
  }
  if (filter.category) {
    where.push("c.category = ?");
    params.push(filter.category);
  } else if (use === "page" && filter.limit) {
    const status = filter.status ? "WHERE status = ?" : "";
    where.push(`d.id IN (SELECT id FROM documents ${status} ORDER BY id DESC LIMIT ?)`);
    if (filter.status) params.push(filter.status);
    params.push(filter.limit);
  }
  const join = use === "page" || Boolean(filter.category);
  const from = `
    FROM documents d
    ${join ? CURRENT_CLASSIFICATION : ""}
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}`;
  return { from, params };
}

const CURRENT_CLASSIFICATION = `
    LEFT JOIN classifications c
      ON c.id = (SELECT max(id) FROM classifications WHERE document_id = COALESCE(d.duplicate_of, d.id))`;

/**
 * How many documents `filter` selects, its limit aside. Without a category, from the counts per status kept by
 * triggers (migration 010) instead of counting a large store's rows.
 */
export function countDocuments(db: Db, filter: DocumentFilter = {}): number {
  if (!filter.category) {
    const where = filter.status ? "WHERE status = ?" : "";
    const params = filter.status ? [filter.status] : [];
    return (
      db
        .prepare<unknown[], { n: number | null }>(`SELECT sum(documents) AS n FROM status_counts ${where}`)
        .get(...params)?.n ?? 0
    );
  }
  const { from, params } = filtered(filter, "count");
  return db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n ${from}`).get(...params)?.n ?? 0;
}

export function listDocuments(db: Db, filter: DocumentFilter = {}): DocumentSummary[] {
  const { from, params } = filtered(filter, "page");
  const sql = `
    SELECT d.id, d.path, d.name, d.sha256, d.size, d.status, d.reason, d.parent_id, d.duplicate_of,
           d.created_at, d.updated_at, c.category, c.confidence, c.source
    ${from}
    ORDER BY d.id DESC
    ${filter.limit ? "LIMIT ?" : ""}`;
  if (filter.limit) params.push(filter.limit);
  return db
    .prepare<unknown[], SummaryRow>(sql)
    .all(...params)
    .map((row) => ({
      id: row.id,
      path: row.path,
      name: row.name,
      sha256: row.sha256,
      size: row.size,
      status: row.status,
      reason: row.reason,
      category: row.category,
      confidence: row.confidence,
      source: row.source,
      parentId: row.parent_id,
      duplicateOf: row.duplicate_of,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
}

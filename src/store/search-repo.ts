import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";

/** Marks FTS5's snippet() puts around each matched token: private-use characters, never in extracted text. */
export const HIT_START = "\uE000";
export const HIT_END = "\uE001";

export interface DocumentQuery {
  /** An FTS5 MATCH expression (see src/search/parse-query.ts), or undefined to list without searching. */
  match?: string | undefined;
  category?: string | undefined;
  status?: DocumentStatus | undefined;
  /** Added on or after this day (YYYY-MM-DD, UTC). */
  from?: string | undefined;
  /** Added on or before this day (YYYY-MM-DD, UTC). */
  to?: string | undefined;
  /** Part of the invoice's vendor name, any case. */
  vendor?: string | undefined;
  limit: number;
  offset: number;
}

export interface DocumentRow {
  id: number;
  name: string;
  status: DocumentStatus;
  reason: string | null;
  mime: string | null;
  kind: string | null;
  size: number;
  category: string | null;
  confidence: number | null;
  source: string | null;
  parentId: number | null;
  duplicateOf: number | null;
  invoiceId: number | null;
  vendor: string | null;
  createdAt: string;
  updatedAt: string;
  /** With a match: FTS5's snippet, matched tokens between HIT_START and HIT_END. */
  snippet: string | null;
  /** With a match: bm25 relevance, higher is better. */
  score: number | null;
}

export interface DocumentPage {
  rows: DocumentRow[];
  /** Every row that matches, not only this page. */
  total: number;
}

interface RawRow {
  id: number;
  name: string;
  status: DocumentStatus;
  reason: string | null;
  mime: string | null;
  kind: string | null;
  size: number;
  category: string | null;
  confidence: number | null;
  source: string | null;
  parent_id: number | null;
  duplicate_of: number | null;
  invoice_id: number | null;
  vendor: string | null;
  created_at: string;
  updated_at: string;
  snippet: string | null;
  rank: number | null;
}

const SNIPPET_TOKENS = 24;

/**
 * Documents with their current classification and invoice, filtered and paged; with a match expression, ranked by
 * FTS5's bm25 over the newest extracted text of each document. Source: https://sqlite.org/fts5.html
 */
export class SearchRepo {
  constructor(private readonly db: Db) {}

  find(query: DocumentQuery): DocumentPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const searching = query.match !== undefined;
    if (searching) {
      where.push(
        "extractions_fts MATCH ?",
        "e.id = (SELECT max(id) FROM extractions WHERE document_id = e.document_id)",
      );
      params.push(query.match ?? "");
    }
    if (query.category) {
      where.push("c.category = ?");
      params.push(query.category);
    }
    if (query.status) {
      where.push("d.status = ?");
      params.push(query.status);
    }
    if (query.from) {
      where.push("d.created_at >= ?");
      params.push(query.from);
    }
    if (query.to) {
      where.push("substr(d.created_at, 1, 10) <= ?");
      params.push(query.to);
    }
    if (query.vendor) {
      where.push("i.vendor LIKE ? ESCAPE '\\'");
      params.push(`%${query.vendor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const from = searching
      ? `extractions_fts JOIN extractions e ON e.id = extractions_fts.rowid JOIN documents d ON d.id = e.document_id`
      : "documents d";
    const joins = `
      LEFT JOIN classifications c
        ON c.id = (SELECT max(id) FROM classifications WHERE document_id = COALESCE(d.duplicate_of, d.id))
      LEFT JOIN invoices i ON i.document_id = d.id`;
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const total =
      this.db
        .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM ${from} ${joins} ${filter}`)
        .get(...params)?.n ?? 0;
    const rows = this.db
      .prepare<unknown[], RawRow>(`
        SELECT d.id, d.name, d.status, d.reason, d.mime, d.kind, d.size, d.parent_id, d.duplicate_of,
               d.created_at, d.updated_at, c.category, c.confidence, c.source, i.id AS invoice_id, i.vendor,
               ${searching ? `snippet(extractions_fts, 0, '${HIT_START}', '${HIT_END}', '…', ${SNIPPET_TOKENS})` : "NULL"} AS snippet,
               ${searching ? "bm25(extractions_fts)" : "NULL"} AS rank
        FROM ${from} ${joins} ${filter}
        ORDER BY ${searching ? "rank, d.id DESC" : "d.id DESC"}
        LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset);
    return { total, rows: rows.map(toRow) };
  }
}

function toRow(row: RawRow): DocumentRow {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    reason: row.reason,
    mime: row.mime,
    kind: row.kind,
    size: row.size,
    category: row.category,
    confidence: row.confidence,
    source: row.source,
    parentId: row.parent_id,
    duplicateOf: row.duplicate_of,
    invoiceId: row.invoice_id,
    vendor: row.vendor,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    snippet: row.snippet,
    score: row.rank === null ? null : Math.round(-row.rank * 1000) / 1000,
  };
}

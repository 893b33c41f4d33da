import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface DocRow {
  id: number;
  name: string;
  path: string;
  status: string;
  reason: string | null;
  parent_id: number | null;
  duplicate_of: number | null;
  claimed_by: string | null;
  category: string | null;
  confidence: number | null;
  source: string | null;
  classifications: number;
}

/** Reads the database a docsort child process wrote, read-only, the way an auditor would. */
export function readDocuments(home: string): DocRow[] {
  if (!existsSync(path.join(home, "docsort.db"))) return [];
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    // the file exists a moment before docsort has created its tables
    if (!hasTable(db, "classifications")) return [];
    return db
      .prepare<[], DocRow>(`
        SELECT d.id, d.name, d.path, d.status, d.reason, d.parent_id, d.duplicate_of, d.claimed_by,
               c.category, c.confidence, c.source,
               (SELECT count(*) FROM classifications WHERE document_id = d.id) AS classifications
        FROM documents d
        LEFT JOIN classifications c ON c.id = (SELECT max(id) FROM classifications WHERE document_id = d.id)
        ORDER BY d.id`)
      .all();
  } finally {
    db.close();
  }
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function countEvents(home: string, type: string): Map<number, number> {
  if (!existsSync(path.join(home, "docsort.db"))) return new Map();
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    if (!hasTable(db, "events")) return new Map();
    const rows = db
      .prepare<[string], { document_id: number; n: number }>(
        "SELECT document_id, count(*) AS n FROM events WHERE type = ? GROUP BY document_id",
      )
      .all(type);
    return new Map(rows.map((r) => [r.document_id, r.n]));
  } finally {
    db.close();
  }
}

/** Every event with its time in ms, oldest first. */
export function eventTimes(home: string): { documentId: number | null; type: string; at: number }[] {
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    return db
      .prepare<[], { document_id: number | null; type: string; created_at: string }>(
        "SELECT document_id, type, created_at FROM events ORDER BY id",
      )
      .all()
      .map((row) => ({ documentId: row.document_id, type: row.type, at: Date.parse(row.created_at) }));
  } finally {
    db.close();
  }
}

export interface ClassificationRow {
  document_id: number;
  category: string;
  confidence: number;
  evidence: string;
  source: string;
  model: string | null;
  prompt_tokens: number | null;
  output_tokens: number | null;
  estimated_prompt_tokens: number | null;
  attempts: number;
  raw_output: string | null;
  details: string;
}

/** Every stored classification, oldest first. */
export function readClassifications(home: string): ClassificationRow[] {
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    return db
      .prepare<[], ClassificationRow>(
        `SELECT document_id, category, confidence, evidence, source, model, prompt_tokens, output_tokens,
                estimated_prompt_tokens, attempts, raw_output, details
         FROM classifications ORDER BY id`,
      )
      .all();
  } finally {
    db.close();
  }
}

import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";

export interface DocumentRecord {
  id: number;
  sha256: string;
  path: string;
  name: string;
  size: number;
  mime: string | null;
  kind: string | null;
  status: DocumentStatus;
  reason: string | null;
  duplicateOf: number | null;
  parentId: number | null;
  depth: number;
  blobPath: string | null;
  /** Extraction and classification attempts started (counted before each one). */
  attempts: number;
  /** Times docsort stopped (crash, kill, memory limit) or timed out while working on it. */
  interruptions: number;
  /** Separate occasions on which the model failed for it (after the immediate retries). */
  modelFailures: number;
  firstModelFailureAt: string | null;
  nextAttemptAt: string | null;
  claimedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewDocument {
  sha256: string;
  path: string;
  name: string;
  size: number;
  status: DocumentStatus;
  reason?: string | null;
  duplicateOf?: number | null;
  parentId?: number | null;
  depth?: number;
  blobPath?: string | null;
  claimedBy?: string | null;
}

export interface DocumentPatch {
  sha256?: string;
  size?: number;
  status?: DocumentStatus;
  reason?: string | null;
  mime?: string | null;
  kind?: string | null;
  path?: string;
  name?: string;
  attempts?: number;
  interruptions?: number;
  modelFailures?: number;
  firstModelFailureAt?: string | null;
  nextAttemptAt?: string | null;
  claimedBy?: string | null;
  duplicateOf?: number | null;
}

interface DocumentRow {
  id: number;
  sha256: string;
  path: string;
  name: string;
  size: number;
  mime: string | null;
  kind: string | null;
  status: DocumentStatus;
  reason: string | null;
  duplicate_of: number | null;
  parent_id: number | null;
  depth: number;
  blob_path: string | null;
  attempts: number;
  interruptions: number;
  model_failures: number;
  first_model_failure_at: string | null;
  next_attempt_at: string | null;
  claimed_by: string | null;
  created_at: string;
  updated_at: string;
}

const PATCH_COLUMNS: Record<keyof DocumentPatch, string> = {
  sha256: "sha256",
  size: "size",
  status: "status",
  reason: "reason",
  mime: "mime",
  kind: "kind",
  path: "path",
  name: "name",
  attempts: "attempts",
  interruptions: "interruptions",
  modelFailures: "model_failures",
  firstModelFailureAt: "first_model_failure_at",
  nextAttemptAt: "next_attempt_at",
  claimedBy: "claimed_by",
  duplicateOf: "duplicate_of",
};

export function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    sha256: row.sha256,
    path: row.path,
    name: row.name,
    size: row.size,
    mime: row.mime,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    duplicateOf: row.duplicate_of,
    parentId: row.parent_id,
    depth: row.depth,
    blobPath: row.blob_path,
    attempts: row.attempts,
    interruptions: row.interruptions,
    modelFailures: row.model_failures,
    firstModelFailureAt: row.first_model_failure_at,
    nextAttemptAt: row.next_attempt_at,
    claimedBy: row.claimed_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class DocumentsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly originalByShaStmt;
  private readonly claimStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<unknown[], DocumentRow>(`
      INSERT INTO documents (sha256, path, name, size, status, reason, duplicate_of, parent_id, depth, blob_path,
                             claimed_by, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
    this.getStmt = db.prepare<[number], DocumentRow>("SELECT * FROM documents WHERE id = ?");
    this.originalByShaStmt = db.prepare<[string], DocumentRow>(
      "SELECT * FROM documents WHERE sha256 = ? AND duplicate_of IS NULL",
    );
    this.claimStmt = db.prepare<[string, string, string, number], DocumentRow>(`
      UPDATE documents SET claimed_by = ?, updated_at = ?
      WHERE id = (
        SELECT d.id FROM documents d
        WHERE d.status = 'queued' AND d.claimed_by IS NULL
          AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
          AND (? = 1 OR NOT EXISTS (SELECT 1 FROM extractions e WHERE e.document_id = d.id))
        ORDER BY d.next_attempt_at IS NOT NULL, d.next_attempt_at, d.id
        LIMIT 1)
      RETURNING *`);
  }

  insert(doc: NewDocument, now: string): DocumentRecord {
    const row = this.insertStmt.get(
      doc.sha256,
      doc.path,
      doc.name,
      doc.size,
      doc.status,
      doc.reason ?? null,
      doc.duplicateOf ?? null,
      doc.parentId ?? null,
      doc.depth ?? 0,
      doc.blobPath ?? null,
      doc.claimedBy ?? null,
      now,
      now,
    );
    if (!row) throw new Error("insert into documents returned no row");
    return toDocument(row);
  }

  get(id: number): DocumentRecord | undefined {
    const row = this.getStmt.get(id);
    return row ? toDocument(row) : undefined;
  }

  /** The first document with this content (not a duplicate record). */
  findOriginal(sha256: string): DocumentRecord | undefined {
    const row = this.originalByShaStmt.get(sha256);
    return row ? toDocument(row) : undefined;
  }

  update(id: number, patch: DocumentPatch, now: string): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    const sets = entries.map(([key]) => `${PATCH_COLUMNS[key as keyof DocumentPatch]} = ?`);
    const values = entries.map(([, value]) => value as string | number | null);
    this.db
      .prepare(`UPDATE documents SET ${[...sets, "updated_at = ?"].join(", ")} WHERE id = ?`)
      .run(...values, now, id);
  }

  /**
   * Atomically takes the next queued document that is due. With `includeExtracted` false, documents whose text
   * is already stored (they only wait for the model) are left alone.
   */
  claimNext(owner: string, now: string, includeExtracted: boolean): DocumentRecord | undefined {
    const row = this.claimStmt.get(owner, now, now, includeExtracted ? 1 : 0);
    return row ? toDocument(row) : undefined;
  }

  /** Takes a classified document whose routing was interrupted (crash, restart). */
  claimNextRouting(owner: string, now: string): DocumentRecord | undefined {
    const row = this.db
      .prepare<[string, string], DocumentRow>(`
        UPDATE documents SET claimed_by = ?, updated_at = ?
        WHERE id = (SELECT id FROM documents WHERE status = 'routing' AND claimed_by IS NULL ORDER BY id LIMIT 1)
        RETURNING *`)
      .get(owner, now);
    return row ? toDocument(row) : undefined;
  }

  /** Claims a specific document, if nobody holds it. */
  claim(id: number, owner: string, now: string): boolean {
    const result = this.db
      .prepare("UPDATE documents SET claimed_by = ?, updated_at = ? WHERE id = ? AND claimed_by IS NULL")
      .run(owner, now, id);
    return result.changes === 1;
  }

  release(id: number, now: string): void {
    this.db.prepare("UPDATE documents SET claimed_by = NULL, updated_at = ? WHERE id = ?").run(now, id);
  }

  /** Documents held by owners that are gone (crash, kill -9). */
  listOrphaned(liveOwners: readonly string[]): DocumentRecord[] {
    const placeholders = liveOwners.map(() => "?").join(", ");
    const ownerFilter = liveOwners.length > 0 ? `AND claimed_by NOT IN (${placeholders})` : "";
    return this.db
      .prepare<unknown[], DocumentRow>(
        `SELECT * FROM documents
         WHERE (claimed_by IS NOT NULL ${ownerFilter})
            OR (claimed_by IS NULL AND status IN ('extracting', 'classifying', 'routing'))
         ORDER BY id`,
      )
      .all(...liveOwners)
      .map(toDocument);
  }

  countByStatus(): Record<string, number> {
    const rows = this.db
      .prepare<[], { status: string; n: number }>(
        "SELECT status, count(*) AS n FROM documents GROUP BY status",
      )
      .all();
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  /** Queued or in progress: what `watch --once` waits for. */
  countUnfinished(): number {
    const row = this.db
      .prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM documents WHERE status IN ('queued','extracting','classifying','routing')",
      )
      .get();
    return row?.n ?? 0;
  }

  /** Queued documents that wait for a later try (the model failed on them): how many, and the next time. */
  deferred(now: string): { count: number; nextAt: string | null } {
    const row = this.db
      .prepare<[string], { n: number; next: string | null }>(
        "SELECT count(*) AS n, min(next_attempt_at) AS next FROM documents WHERE status = 'queued' AND next_attempt_at > ?",
      )
      .get(now);
    return { count: row?.n ?? 0, nextAt: row?.next ?? null };
  }

  children(parentId: number): DocumentRecord[] {
    return this.db
      .prepare<[number], DocumentRow>("SELECT * FROM documents WHERE parent_id = ? ORDER BY id")
      .all(parentId)
      .map(toDocument);
  }

  duplicatesOf(id: number): DocumentRecord[] {
    return this.db
      .prepare<[number], DocumentRow>("SELECT * FROM documents WHERE duplicate_of = ? ORDER BY id")
      .all(id)
      .map(toDocument);
  }

  findDuplicateAt(sha256: string, path: string): DocumentRecord | undefined {
    const row = this.db
      .prepare<[string, string], DocumentRow>(
        "SELECT * FROM documents WHERE sha256 = ? AND path = ? AND duplicate_of IS NOT NULL",
      )
      .get(sha256, path);
    return row ? toDocument(row) : undefined;
  }
}

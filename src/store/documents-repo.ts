import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";

/**
 * Where a document is read: `light` (small plain text, HTML, e-mail) in the daemon itself, `heavy` (PDF, images,
 * office files, archives, anything large) in the extraction processes. See src/extract/lane.ts.
 */
export type Lane = "light" | "heavy";

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
  lane: Lane;
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
  /** Default `heavy`: read in an extraction process. */
  lane?: Lane;
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
  lane?: Lane;
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
  lane: Lane;
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
  lane: "lane",
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
    lane: row.lane,
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

/** Queued, nobody holds it, and due (fresh work has no time; retries wait for theirs). */
const CLAIMABLE = `status = 'queued' AND claimed_by IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)`;
const HAS_TEXT = "EXISTS (SELECT 1 FROM extractions e WHERE e.document_id = q.id)";

export class DocumentsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly originalByShaStmt;
  private readonly claimForExtractionStmt;
  private readonly claimExtractedStmt;
  private readonly claimRoutingStmt;
  private readonly claimStmt;
  private readonly releaseStmt;
  /** UPDATE statements by the set of columns they change: prepared once each. */
  private readonly updateStmts = new Map<string, Statement<(string | number | null)[], DocumentRow>>();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<unknown[], DocumentRow>(`
      INSERT INTO documents (sha256, path, name, size, status, reason, duplicate_of, parent_id, depth, blob_path,
                             claimed_by, lane, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
    this.getStmt = db.prepare<[number], DocumentRow>("SELECT * FROM documents WHERE id = ?");
    this.originalByShaStmt = db.prepare<[string], DocumentRow>(
      "SELECT * FROM documents WHERE sha256 = ? AND duplicate_of IS NULL",
    );
    // NULL sorts first in SQLite: fresh work by id, then retries by their due time (index documents_queue)
    this.claimForExtractionStmt = db.prepare<{ owner: string; now: string; lane: Lane }, DocumentRow>(`
      UPDATE documents SET claimed_by = @owner, status = 'extracting', attempts = attempts + 1, reason = NULL,
        updated_at = @now
      WHERE id = (
        SELECT q.id FROM documents q
        WHERE ${CLAIMABLE} AND lane = @lane AND NOT ${HAS_TEXT}
        ORDER BY next_attempt_at, id
        LIMIT 1)
      RETURNING *`);
    this.claimExtractedStmt = db.prepare<{ owner: string; now: string }, DocumentRow>(`
      UPDATE documents SET claimed_by = @owner, updated_at = @now
      WHERE id = (SELECT q.id FROM documents q WHERE ${CLAIMABLE} AND ${HAS_TEXT} ORDER BY next_attempt_at, id LIMIT 1)
      RETURNING *`);
    this.claimRoutingStmt = db.prepare<[string, string], DocumentRow>(`
      UPDATE documents SET claimed_by = ?, updated_at = ?
      WHERE id = (SELECT id FROM documents WHERE status = 'routing' AND claimed_by IS NULL ORDER BY id LIMIT 1)
      RETURNING *`);
    this.claimStmt = db.prepare<[string, string, number]>(
      "UPDATE documents SET claimed_by = ?, updated_at = ? WHERE id = ? AND claimed_by IS NULL",
    );
    this.releaseStmt = db.prepare<[string, number]>(
      "UPDATE documents SET claimed_by = NULL, updated_at = ? WHERE id = ?",
    );
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
      doc.lane ?? "heavy",
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

  /** Changes the columns of `patch` (and updated_at); returns the row as it is now, undefined when there is none. */
  update(id: number, patch: DocumentPatch, now: string): DocumentRecord | undefined {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    const columns = entries.map(([key]) => PATCH_COLUMNS[key as keyof DocumentPatch]);
    const key = columns.join(",");
    let statement = this.updateStmts.get(key);
    if (!statement) {
      const sets = [...columns.map((column) => `${column} = ?`), "updated_at = ?"];
      statement = this.db.prepare<(string | number | null)[], DocumentRow>(
        `UPDATE documents SET ${sets.join(", ")} WHERE id = ? RETURNING *`,
      );
      this.updateStmts.set(key, statement);
    }
    const row = statement.get(...entries.map(([, value]) => value as string | number | null), now, id);
    return row ? toDocument(row) : undefined;
  }

  /**
   * Atomically takes the next due queued document of `lane` that has no text yet and starts its extraction: claimed
   * by `owner`, status `extracting`, one more attempt counted (before the work starts). The caller records the
   * event in the same transaction.
   */
  claimForExtraction(owner: string, now: string, lane: Lane): DocumentRecord | undefined {
    const row = this.claimForExtractionStmt.get({ owner, now, lane });
    return row ? toDocument(row) : undefined;
  }

  /** Takes the next due queued document whose text is stored already: it only waits for the model. */
  claimExtracted(owner: string, now: string): DocumentRecord | undefined {
    const row = this.claimExtractedStmt.get({ owner, now });
    return row ? toDocument(row) : undefined;
  }

  /** Takes a classified document whose routing was interrupted (crash, restart). */
  claimNextRouting(owner: string, now: string): DocumentRecord | undefined {
    const row = this.claimRoutingStmt.get(owner, now);
    return row ? toDocument(row) : undefined;
  }

  /** Claims a specific document, if nobody holds it. */
  claim(id: number, owner: string, now: string): boolean {
    return this.claimStmt.run(owner, now, id).changes === 1;
  }

  release(id: number, now: string): void {
    this.releaseStmt.run(now, id);
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

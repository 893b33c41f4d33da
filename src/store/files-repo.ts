import type { Db } from "./database.js";

/** Where a content was last seen: lets a rescan skip files it already knows without hashing them. */
export interface FileSighting {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  documentId: number;
  seenAt: string;
}

interface FileRow {
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  document_id: number;
  seen_at: string;
}

const toSighting = (row: FileRow): FileSighting => ({
  path: row.path,
  size: row.size,
  mtimeMs: row.mtime_ms,
  sha256: row.sha256,
  documentId: row.document_id,
  seenAt: row.seen_at,
});

export class FilesRepo {
  private readonly getStmt;
  private readonly upsertStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], FileRow>("SELECT * FROM files WHERE path = ?");
    this.upsertStmt = db.prepare(`
      INSERT INTO files (path, size, mtime_ms, sha256, document_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
        sha256 = excluded.sha256, document_id = excluded.document_id, seen_at = excluded.seen_at`);
  }

  get(path: string): FileSighting | undefined {
    const row = this.getStmt.get(path);
    return row ? toSighting(row) : undefined;
  }

  record(sighting: FileSighting): void {
    this.upsertStmt.run(
      sighting.path,
      sighting.size,
      sighting.mtimeMs,
      sighting.sha256,
      sighting.documentId,
      sighting.seenAt,
    );
  }
}

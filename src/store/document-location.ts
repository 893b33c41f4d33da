import type { Db } from "./database.js";

export interface NewLocation {
  documentId: number;
  from: string;
  to: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * A handler moved the file: the document now lives at `to`. The sighting of the old path is dropped and the new
 * one recorded, so intake neither mistakes the filed file for new content nor a later file at `from` for this one.
 */
export function relocateDocument(db: Db, location: NewLocation, now: string): void {
  db.prepare("UPDATE documents SET path = ?, updated_at = ? WHERE id = ?").run(
    location.to,
    now,
    location.documentId,
  );
  db.prepare("DELETE FROM files WHERE path = ? AND document_id = ?").run(location.from, location.documentId);
  db.prepare(`
    INSERT INTO files (path, size, mtime_ms, sha256, document_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256,
      document_id = excluded.document_id, seen_at = excluded.seen_at`).run(
    location.to,
    location.size,
    location.mtimeMs,
    location.sha256,
    location.documentId,
    now,
  );
}

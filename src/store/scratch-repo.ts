import type { Db } from "./database.js";

export interface ScratchFile {
  path: string;
  pid: number;
  createdAt: string;
}

/**
 * Temporary files docsort writes outside its data folder (a move or copy across filesystems writes a
 * `.docsort-*.tmp` next to its target). Recorded before the file is created and forgotten once it is gone, so a
 * start after a crash knows exactly which leftovers to remove — and touches nothing else in the user's folders.
 */
export class ScratchRepo {
  constructor(private readonly db: Db) {}

  register(path: string, pid: number, now: string): void {
    this.db
      .prepare("INSERT OR REPLACE INTO scratch_files (path, pid, created_at) VALUES (?, ?, ?)")
      .run(path, pid, now);
  }

  forget(path: string): void {
    this.db.prepare("DELETE FROM scratch_files WHERE path = ?").run(path);
  }

  all(): ScratchFile[] {
    return this.db
      .prepare<[], { path: string; pid: number; created_at: string }>(
        "SELECT * FROM scratch_files ORDER BY path",
      )
      .all()
      .map((row) => ({ path: row.path, pid: row.pid, createdAt: row.created_at }));
  }
}

import { z } from "zod";
import type { Db } from "./database.js";
import { parseJsonColumn } from "./json-column.js";

/**
 * What a review session remembers between pages: documents skipped, its decisions (newest last, for undo), and
 * the outcome of the last form sent, shown once on the next page.
 */
export const sessionStateSchema = z.object({
  skipped: z.array(z.number().int()).default([]),
  decided: z.array(z.number().int()).default([]),
  notice: z.object({ text: z.string(), error: z.boolean() }).nullable().default(null),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export interface ServeSession {
  idHash: string;
  csrfToken: string;
  state: SessionState;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  state: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

const EMPTY_STATE: SessionState = { skipped: [], decided: [], notice: null };

/** Browser sessions of `docsort serve`, by the SHA-256 of the cookie value (the value itself is never stored). */
export class ServeSessionsRepo {
  constructor(private readonly db: Db) {}

  create(session: { idHash: string; csrfToken: string; expiresAt: string }, now: string): void {
    this.db
      .prepare(
        "INSERT INTO serve_sessions (id_hash, csrf_token, state, created_at, last_seen_at, expires_at) VALUES (?, ?, '{}', ?, ?, ?)",
      )
      .run(session.idHash, session.csrfToken, now, now, session.expiresAt);
  }

  /** The session if it exists and has not expired. */
  get(idHash: string, now: string): ServeSession | undefined {
    const row = this.db
      .prepare<[string, string], SessionRow>(
        "SELECT * FROM serve_sessions WHERE id_hash = ? AND expires_at > ?",
      )
      .get(idHash, now);
    if (!row) return undefined;
    return {
      idHash: row.id_hash,
      csrfToken: row.csrf_token,
      state: parseJsonColumn(row.state, sessionStateSchema, EMPTY_STATE),
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    };
  }

  saveState(idHash: string, state: SessionState, now: string): void {
    this.db
      .prepare("UPDATE serve_sessions SET state = ?, last_seen_at = ? WHERE id_hash = ?")
      .run(JSON.stringify(state), now, idHash);
  }

  delete(idHash: string): void {
    this.db.prepare("DELETE FROM serve_sessions WHERE id_hash = ?").run(idHash);
  }

  /** Signs every browser out (the token was rotated); returns how many sessions there were. */
  deleteAll(): number {
    return this.db.prepare("DELETE FROM serve_sessions").run().changes;
  }

  deleteExpired(now: string): number {
    return this.db.prepare("DELETE FROM serve_sessions WHERE expires_at <= ?").run(now).changes;
  }
}

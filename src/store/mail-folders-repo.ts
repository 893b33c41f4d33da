import type { Db } from "./database.js";

export type MailFolderState = "new" | "ok" | "error";

/** Where docsort stands in one folder of one account: the UIDVALIDITY it knows and the highest UID decided. */
export interface MailFolderRecord {
  account: string;
  folder: string;
  /** RFC 9051 UIDVALIDITY (a 32-bit unsigned number); null before the first successful sync. */
  uidValidity: number | null;
  /** Every message with a UID up to this one (under `uidValidity`) was taken, recorded or left by the rules. */
  lastUid: number;
  /** Messages no rule matched, counted, not recorded one by one. */
  skipped: number;
  state: MailFolderState;
  lastError: string | null;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  updatedAt: string;
}

interface FolderRow {
  account: string;
  folder: string;
  uid_validity: number | null;
  last_uid: number;
  skipped: number;
  state: MailFolderState;
  last_error: string | null;
  last_sync_at: string | null;
  last_attempt_at: string | null;
  updated_at: string;
}

const toFolder = (row: FolderRow): MailFolderRecord => ({
  account: row.account,
  folder: row.folder,
  uidValidity: row.uid_validity,
  lastUid: row.last_uid,
  skipped: row.skipped,
  state: row.state,
  lastError: row.last_error,
  lastSyncAt: row.last_sync_at,
  lastAttemptAt: row.last_attempt_at,
  updatedAt: row.updated_at,
});

export class MailFoldersRepo {
  constructor(private readonly db: Db) {}

  get(account: string, folder: string): MailFolderRecord | undefined {
    const row = this.db
      .prepare<[string, string], FolderRow>("SELECT * FROM mail_folders WHERE account = ? AND folder = ?")
      .get(account, folder);
    return row ? toFolder(row) : undefined;
  }

  all(): MailFolderRecord[] {
    return this.db
      .prepare<[], FolderRow>("SELECT * FROM mail_folders ORDER BY account, folder")
      .all()
      .map(toFolder);
  }

  /** A new UIDVALIDITY (or the first one): UIDs start over, so the progress mark does too. */
  resetValidity(account: string, folder: string, uidValidity: number, now: string): void {
    this.db
      .prepare(`
        INSERT INTO mail_folders (account, folder, uid_validity, last_uid, state, updated_at)
        VALUES (?, ?, ?, 0, 'new', ?)
        ON CONFLICT (account, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = 0,
          updated_at = excluded.updated_at`)
      .run(account, folder, uidValidity, now);
  }

  /** Moves the progress mark forward (never back) and counts messages no rule matched. */
  advance(account: string, folder: string, uid: number, skipped: number, now: string): void {
    this.db
      .prepare(`
        UPDATE mail_folders SET last_uid = max(last_uid, ?), skipped = skipped + ?, updated_at = ?
        WHERE account = ? AND folder = ?`)
      .run(uid, skipped, now, account, folder);
  }

  markAttempt(account: string, folder: string, now: string): void {
    this.db
      .prepare(`
        INSERT INTO mail_folders (account, folder, last_attempt_at, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account, folder) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
          updated_at = excluded.updated_at`)
      .run(account, folder, now, now);
  }

  markOk(account: string, folder: string, now: string): void {
    this.db
      .prepare(`
        UPDATE mail_folders SET state = 'ok', last_error = NULL, last_sync_at = ?, updated_at = ?
        WHERE account = ? AND folder = ?`)
      .run(now, now, account, folder);
  }

  markError(account: string, folder: string, error: string, now: string): void {
    this.db
      .prepare(`
        INSERT INTO mail_folders (account, folder, state, last_error, last_attempt_at, updated_at)
        VALUES (?, ?, 'error', ?, ?, ?)
        ON CONFLICT (account, folder) DO UPDATE SET state = 'error', last_error = excluded.last_error,
          last_attempt_at = excluded.last_attempt_at, updated_at = excluded.updated_at`)
      .run(account, folder, error, now, now);
  }
}

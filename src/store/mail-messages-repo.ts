import type { MailAfter, MailTake } from "../config/mail-schema.js";
import type { Db } from "./database.js";
import { prepared } from "./prepared.js";

/** `empty`: the rule takes attachments and the message had none. */
export type MailMessageStatus = "taken" | "empty" | "too_large" | "unreadable";
export type MailActionStatus = "none" | "pending" | "done" | "failed";
export type MailPart = "message" | "attachment";

export interface NewMailMessage {
  account: string;
  folder: string;
  uidValidity: number;
  uid: number;
  messageId: string | null;
  sha256: string | null;
  sender: string | null;
  subject: string | null;
  sentAt: string | null;
  receivedAt: string | null;
  size: number;
  rule: string;
  take: MailTake;
  status: MailMessageStatus;
  reason: string | null;
  action: MailAfter;
  moveTo: string | null;
  actionStatus: MailActionStatus;
}

export interface MailMessageRecord extends NewMailMessage {
  id: number;
  actionError: string | null;
  actionAttempts: number;
  createdAt: string;
  updatedAt: string;
}

/** A refused server action is tried again at the next syncs, this many times in all. */
export const MAX_ACTION_ATTEMPTS = 5;

/** Where a document came from, when it came by mail. */
export interface MailOrigin extends MailMessageRecord {
  part: MailPart;
}

interface MessageRow {
  id: number;
  account: string;
  folder: string;
  uid_validity: number;
  uid: number;
  message_id: string | null;
  sha256: string | null;
  sender: string | null;
  subject: string | null;
  sent_at: string | null;
  received_at: string | null;
  size: number;
  rule: string;
  take: MailTake;
  status: MailMessageStatus;
  reason: string | null;
  action: MailAfter;
  move_to: string | null;
  action_status: MailActionStatus;
  action_error: string | null;
  action_attempts: number;
  created_at: string;
  updated_at: string;
}

const toMessage = (row: MessageRow): MailMessageRecord => ({
  id: row.id,
  account: row.account,
  folder: row.folder,
  uidValidity: row.uid_validity,
  uid: row.uid,
  messageId: row.message_id,
  sha256: row.sha256,
  sender: row.sender,
  subject: row.subject,
  sentAt: row.sent_at,
  receivedAt: row.received_at,
  size: row.size,
  rule: row.rule,
  take: row.take,
  status: row.status,
  reason: row.reason,
  action: row.action,
  moveTo: row.move_to,
  actionStatus: row.action_status,
  actionError: row.action_error,
  actionAttempts: row.action_attempts,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface MailCounts {
  account: string;
  folder: string;
  taken: number;
  empty: number;
  tooLarge: number;
  unreadable: number;
  actionsPending: number;
  actionsFailed: number;
}

/** Messages a rule matched, and the documents each one became. */
export class MailMessagesRepo {
  constructor(private readonly db: Db) {}

  add(message: NewMailMessage, now: string): MailMessageRecord {
    const row = this.db
      .prepare<unknown[], MessageRow>(`
        INSERT INTO mail_messages (account, folder, uid_validity, uid, message_id, sha256, sender, subject, sent_at,
          received_at, size, rule, take, status, reason, action, move_to, action_status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`)
      .get(
        message.account,
        message.folder,
        message.uidValidity,
        message.uid,
        message.messageId,
        message.sha256,
        message.sender,
        message.subject,
        message.sentAt,
        message.receivedAt,
        message.size,
        message.rule,
        message.take,
        message.status,
        message.reason,
        message.action,
        message.moveTo,
        message.actionStatus,
        now,
        now,
      );
    if (!row) throw new Error("insert into mail_messages returned no row");
    return toMessage(row);
  }

  find(account: string, folder: string, uidValidity: number, uid: number): MailMessageRecord | undefined {
    const row = this.db
      .prepare<[string, string, number, number], MessageRow>(
        "SELECT * FROM mail_messages WHERE account = ? AND folder = ? AND uid_validity = ? AND uid = ?",
      )
      .get(account, folder, uidValidity, uid);
    return row ? toMessage(row) : undefined;
  }

  /** The same message taken earlier by this account (another folder, or before a UIDVALIDITY change). */
  findTaken(
    account: string,
    key: { messageId?: string | null; sha256?: string | null },
  ): MailMessageRecord | undefined {
    const byId = key.messageId
      ? this.db
          .prepare<[string, string], MessageRow>(
            "SELECT * FROM mail_messages WHERE account = ? AND message_id = ? AND status = 'taken' ORDER BY id LIMIT 1",
          )
          .get(account, key.messageId)
      : undefined;
    const row =
      byId ??
      (key.sha256
        ? this.db
            .prepare<[string, string], MessageRow>(
              "SELECT * FROM mail_messages WHERE account = ? AND sha256 = ? AND status = 'taken' ORDER BY id LIMIT 1",
            )
            .get(account, key.sha256)
        : undefined);
    return row ? toMessage(row) : undefined;
  }

  linkDocument(documentId: number, messageRow: number, part: MailPart): void {
    this.db
      .prepare("INSERT OR IGNORE INTO mail_documents (document_id, message_row, part) VALUES (?, ?, ?)")
      .run(documentId, messageRow, part);
  }

  /** A message document whose rule took it whole (`take: message`): its attachments are not documents. */
  keptWhole(documentId: number): boolean {
    const row = prepared<[number], { n: number }>(
      this.db,
      `SELECT count(*) AS n FROM mail_documents l JOIN mail_messages m ON m.id = l.message_row
       WHERE l.document_id = ? AND l.part = 'message' AND m.take = 'message'`,
    ).get(documentId);
    return (row?.n ?? 0) > 0;
  }

  documentIds(messageRow: number): number[] {
    return this.db
      .prepare<[number], { document_id: number }>(
        "SELECT document_id FROM mail_documents WHERE message_row = ? ORDER BY document_id",
      )
      .all(messageRow)
      .map((row) => row.document_id);
  }

  /** The message a document came from: its own, or that of the document it was found in. */
  originOf(documentId: number): MailOrigin | undefined {
    const row = this.db
      .prepare<[number], MessageRow & { part: MailPart }>(`
        WITH RECURSIVE chain(id, parent_id) AS (
          SELECT id, parent_id FROM documents WHERE id = ?
          UNION ALL SELECT d.id, d.parent_id FROM documents d JOIN chain c ON d.id = c.parent_id
        )
        SELECT m.*, l.part FROM chain c
        JOIN mail_documents l ON l.document_id = c.id
        JOIN mail_messages m ON m.id = l.message_row
        LIMIT 1`)
      .get(documentId);
    return row ? { ...toMessage(row), part: row.part } : undefined;
  }

  /** Server actions still to do in this folder (the process stopped, or the server refused them). */
  unfinishedActions(account: string, folder: string, uidValidity: number): MailMessageRecord[] {
    return this.db
      .prepare<[string, string, number, number], MessageRow>(`
        SELECT * FROM mail_messages
        WHERE account = ? AND folder = ? AND uid_validity = ?
          AND (action_status = 'pending' OR (action_status = 'failed' AND action_attempts < ?))
        ORDER BY uid`)
      .all(account, folder, uidValidity, MAX_ACTION_ATTEMPTS)
      .map(toMessage);
  }

  finishAction(id: number, status: "done" | "failed", error: string | null, now: string): void {
    this.db
      .prepare(`
        UPDATE mail_messages SET action_status = ?, action_error = ?, action_attempts = action_attempts + 1,
          updated_at = ?
        WHERE id = ?`)
      .run(status, error, now, id);
  }

  /** A server action that can no longer be done: the message left the folder or its UIDs were renumbered. */
  abandonActions(account: string, folder: string, uidValidity: number, reason: string, now: string): number {
    return this.db
      .prepare(`
        UPDATE mail_messages SET action_status = 'failed', action_error = ?, updated_at = ?
        WHERE account = ? AND folder = ? AND uid_validity <> ? AND action_status = 'pending'`)
      .run(reason, now, account, folder, uidValidity).changes;
  }

  counts(): MailCounts[] {
    return this.db
      .prepare<[], MailCounts>(`
        SELECT account, folder,
          sum(status = 'taken') AS taken, sum(status = 'empty') AS empty, sum(status = 'too_large') AS tooLarge,
          sum(status = 'unreadable') AS unreadable,
          sum(action_status = 'pending') AS actionsPending, sum(action_status = 'failed') AS actionsFailed
        FROM mail_messages GROUP BY account, folder ORDER BY account, folder`)
      .all();
  }

  /** Messages a rule matched that gave no document (nothing to take, too large, unreadable) or whose server action failed. */
  problems(limit = 50): MailMessageRecord[] {
    return this.db
      .prepare<[number], MessageRow>(`
        SELECT * FROM mail_messages WHERE status <> 'taken' OR action_status = 'failed'
        ORDER BY id DESC LIMIT ?`)
      .all(limit)
      .map(toMessage);
  }
}

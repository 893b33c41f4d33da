import type { Db } from "./database.js";
import type { HandlerTrigger } from "./handler-triggers.js";

export const RUN_STATUSES = ["pending", "running", "succeeded", "failed", "dead"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface HandlerRunRecord {
  id: number;
  documentId: number;
  invoiceId: number | null;
  handlerId: number | null;
  handlerName: string;
  handlerKind: string;
  configVersion: number;
  position: number;
  trigger: HandlerTrigger;
  category: string;
  classificationId: number | null;
  idempotencyKey: string;
  status: RunStatus;
  attempts: number;
  /** Attempts found in flight after docsort was killed (their effect may or may not have happened). */
  interruptions: number;
  /** An earlier attempt of this run was started: its delivery id may have reached the receiver already. */
  redelivery: boolean;
  nextAttemptAt: string | null;
  claimedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
  output: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What routing writes; everything else starts at its default (pending, no attempts). */
export type NewHandlerRun = Pick<
  HandlerRunRecord,
  | "documentId"
  | "invoiceId"
  | "handlerName"
  | "handlerKind"
  | "configVersion"
  | "position"
  | "trigger"
  | "category"
  | "classificationId"
  | "idempotencyKey"
> & { handlerId: number };

/** How an attempt ended. */
export type RunResult =
  | { status: "succeeded"; output: string | null }
  | { status: "failed"; error: string; output: string | null; nextAttemptAt: string }
  | { status: "dead"; error: string; output: string | null };

export interface RunFilter {
  status?: RunStatus | undefined;
  documentId?: number | undefined;
  limit?: number | undefined;
}

interface RunRow {
  id: number;
  document_id: number;
  invoice_id: number | null;
  handler_id: number | null;
  handler_name: string;
  handler_kind: string;
  config_version: number;
  position: number;
  trigger: HandlerTrigger;
  category: string;
  classification_id: number | null;
  idempotency_key: string;
  status: RunStatus;
  attempts: number;
  interruptions: number;
  redelivery: number;
  next_attempt_at: string | null;
  claimed_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  last_error: string | null;
  output: string | null;
  created_at: string;
  updated_at: string;
}

function toRun(row: RunRow): HandlerRunRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    invoiceId: row.invoice_id,
    handlerId: row.handler_id,
    handlerName: row.handler_name,
    handlerKind: row.handler_kind,
    configVersion: row.config_version,
    position: row.position,
    trigger: row.trigger,
    category: row.category,
    classificationId: row.classification_id,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: row.attempts,
    interruptions: row.interruptions,
    redelivery: row.redelivery === 1,
    nextAttemptAt: row.next_attempt_at,
    claimedBy: row.claimed_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    lastError: row.last_error,
    output: row.output,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Due: pending or failed, its time has come, and no other run of the same document is running right now. */
/** Due: waiting, its time reached, no other run of its document running, and its handler not disabled. */
const DUE = `
  r.status IN ('pending', 'failed') AND r.next_attempt_at <= ?
  AND NOT EXISTS (SELECT 1 FROM handler_runs o WHERE o.document_id = r.document_id AND o.status = 'running')
  AND NOT EXISTS (SELECT 1 FROM handlers h WHERE h.id = r.handler_id AND h.enabled = 0)`;

/** The outbox. Every change of a run is one statement, so two processes can never both take the same run. */
export class HandlerRunsRepo {
  private readonly insertStmt;
  private readonly claimNextStmt;
  private readonly claimStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<unknown[], RunRow>(`
      INSERT INTO handler_runs (document_id, invoice_id, handler_id, handler_name, handler_kind, config_version,
        position, trigger, category, classification_id, idempotency_key, status, attempts, next_attempt_at,
        created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *`);
    this.claimNextStmt = db.prepare<[string, string, string, string], RunRow>(`
      UPDATE handler_runs SET status = 'running', claimed_by = ?, attempts = attempts + 1,
        redelivery = (started_at IS NOT NULL), started_at = ?, updated_at = ?
      WHERE id = (SELECT r.id FROM handler_runs r WHERE ${DUE}
                  ORDER BY r.next_attempt_at, r.position, r.id LIMIT 1)
      RETURNING *`);
    this.claimStmt = db.prepare<[string, string, string, number, string], RunRow>(`
      UPDATE handler_runs SET status = 'running', claimed_by = ?, attempts = attempts + 1,
        redelivery = (started_at IS NOT NULL), started_at = ?, updated_at = ?
      WHERE id = (SELECT r.id FROM handler_runs r WHERE r.id = ? AND ${DUE})
      RETURNING *`);
  }

  /** Adds the run unless a run with the same idempotency key exists; returns it only when it is new. */
  insertIfNew(run: NewHandlerRun, now: string): HandlerRunRecord | undefined {
    const row = this.insertStmt.get(
      run.documentId,
      run.invoiceId,
      run.handlerId,
      run.handlerName,
      run.handlerKind,
      run.configVersion,
      run.position,
      run.trigger,
      run.category,
      run.classificationId,
      run.idempotencyKey,
      now,
      now,
      now,
    );
    return row ? toRun(row) : undefined;
  }

  byKey(idempotencyKey: string): HandlerRunRecord | undefined {
    const row = this.db
      .prepare<[string], RunRow>("SELECT * FROM handler_runs WHERE idempotency_key = ?")
      .get(idempotencyKey);
    return row ? toRun(row) : undefined;
  }

  get(id: number): HandlerRunRecord | undefined {
    const row = this.db.prepare<[number], RunRow>("SELECT * FROM handler_runs WHERE id = ?").get(id);
    return row ? toRun(row) : undefined;
  }

  /**
   * Atomically takes the next due run (pending/failed, next attempt time reached) for `owner`. The claim — the
   * attempt — is on disk before the effect starts (see `durably`).
   */
  claimNextDue(owner: string, now: string): HandlerRunRecord | undefined {
    const row = this.durably(() => this.claimNextStmt.get(owner, now, now, now));
    return row ? toRun(row) : undefined;
  }

  /** Atomically takes this run if it is due: a daemon and a CLI command never both run it. */
  claim(id: number, owner: string, now: string): HandlerRunRecord | undefined {
    const row = this.durably(() => this.claimStmt.get(owner, now, now, id, now));
    return row ? toRun(row) : undefined;
  }

  /**
   * The claim of an attempt is committed with synchronous=FULL (the WAL is fsynced), so not even a power cut
   * can lose the record that an attempt started while its effect (a POST, a command) happened.
   */
  private durably<T>(write: () => T): T {
    if (this.db.inTransaction) return write();
    this.db.pragma("synchronous = FULL");
    try {
      return write();
    } finally {
      this.db.pragma("synchronous = NORMAL");
    }
  }

  finish(id: number, result: RunResult, now: string): HandlerRunRecord {
    const error = result.status === "succeeded" ? null : result.error;
    const next = result.status === "failed" ? result.nextAttemptAt : null;
    const finishedAt = result.status === "failed" ? null : now;
    const row = this.db
      .prepare<unknown[], RunRow>(`
        UPDATE handler_runs SET status = ?, claimed_by = NULL, next_attempt_at = ?, finished_at = ?,
          last_error = coalesce(?, last_error), output = ?, updated_at = ?
        WHERE id = ? RETURNING *`)
      .get(result.status, next, finishedAt, error, result.output, now, id);
    if (!row) throw new Error(`handler run ${id} does not exist`);
    return toRun(row);
  }

  /** Back to the queue, due now, with a fresh set of attempts (docsort retry). */
  /** Removes runs of a decision that never started (the decision was undone): they did nothing yet. */
  cancelUnstarted(classificationId: number): HandlerRunRecord[] {
    return this.db
      .prepare<[number], RunRow>(
        `DELETE FROM handler_runs
         WHERE classification_id = ? AND status = 'pending' AND attempts = 0 AND claimed_by IS NULL
         RETURNING *`,
      )
      .all(classificationId)
      .map(toRun);
  }

  requeue(ids: readonly number[], now: string): HandlerRunRecord[] {
    const stmt = this.db.prepare<[string, string, number], RunRow>(`
      UPDATE handler_runs SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL,
        finished_at = NULL, updated_at = ?
      WHERE id = ? AND status IN ('failed', 'dead', 'pending') RETURNING *`);
    return ids.flatMap((id) => {
      const row = stmt.get(now, now, id);
      return row ? [toRun(row)] : [];
    });
  }

  /** A run that was running when its process died: due again, its attempt counted, the interruption noted. */
  release(id: number, reason: string, now: string): void {
    this.db
      .prepare(`
        UPDATE handler_runs SET status = 'pending', claimed_by = NULL, next_attempt_at = ?, last_error = ?,
          interruptions = interruptions + 1, updated_at = ?
        WHERE id = ? AND status = 'running'`)
      .run(now, reason, now, id);
  }

  /** docsort is stopping: the run goes back as it was, this attempt not counted. */
  releaseInterrupted(id: number, reason: string, now: string): void {
    this.db
      .prepare(`
        UPDATE handler_runs SET status = 'pending', claimed_by = NULL, attempts = max(0, attempts - 1),
          next_attempt_at = ?, last_error = coalesce(last_error, ?), updated_at = ?
        WHERE id = ? AND status = 'running'`)
      .run(now, reason, now, id);
  }

  /** Runs marked running by owners that are not in `liveOwners`. */
  listOrphaned(liveOwners: readonly string[]): HandlerRunRecord[] {
    const placeholders = liveOwners.map(() => "?").join(", ");
    const filter =
      liveOwners.length > 0 ? `AND (claimed_by IS NULL OR claimed_by NOT IN (${placeholders}))` : "";
    return this.db
      .prepare<unknown[], RunRow>(`SELECT * FROM handler_runs WHERE status = 'running' ${filter} ORDER BY id`)
      .all(...liveOwners)
      .map(toRun);
  }

  list(filter: RunFilter = {}): HandlerRunRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.status) {
      where.push("status = ?");
      params.push(filter.status);
    }
    if (filter.documentId !== undefined) {
      where.push("document_id = ?");
      params.push(filter.documentId);
    }
    if (filter.limit) params.push(filter.limit);
    return this.db
      .prepare<unknown[], RunRow>(
        `SELECT * FROM handler_runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY id DESC ${filter.limit ? "LIMIT ?" : ""}`,
      )
      .all(...params)
      .map(toRun);
  }

  forDocument(documentId: number): HandlerRunRecord[] {
    return this.db
      .prepare<[number], RunRow>("SELECT * FROM handler_runs WHERE document_id = ? ORDER BY id")
      .all(documentId)
      .map(toRun);
  }

  /** Runs that will be tried again later: failed with a next attempt time, or pending but not due yet. */
  waiting(now: string): { count: number; nextAt: string | null } {
    const row = this.db
      .prepare<[string], { n: number; next: string | null }>(`
        SELECT count(*) AS n, min(next_attempt_at) AS next FROM handler_runs
        WHERE status IN ('pending', 'failed') AND next_attempt_at > ?`)
      .get(now);
    return { count: row?.n ?? 0, nextAt: row?.next ?? null };
  }
}

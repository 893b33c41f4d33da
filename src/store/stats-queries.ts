import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { DocsortError } from "../errors.js";
import type { Db } from "./database.js";
import { DOCUMENT_STATUSES, type DocumentStatus, FINAL_STATUSES } from "./document-status.js";
import { sqliteOptions } from "./sqlite-addon.js";

/** What `docsort stats` reports. Read-only: nothing here writes to the database. */
export interface StoreStats {
  /** ISO timestamp the figures start at; null = everything in the store. */
  since: string | null;
  documents: {
    total: number;
    byStatus: Record<DocumentStatus, number>;
    /** By current category; documents without a classification are left out. */
    byCategory: Record<string, number>;
  };
  /** Documents that reached a final state, per UTC day (YYYY-MM-DD), oldest first: since `since`, else the
   * last 30 days. */
  throughput: { day: string; finished: number }[];
  /** Stage latencies (milliseconds) and per-document model figures over `sample`. */
  sample: {
    /** How many documents, and which: the most recent ones, or all since `since`. */
    documents: number;
    description: string;
    /** Per stage, from the events' timestamps: wait (found → extraction starts), extract, model (extracted →
     * classified, waiting for a slot included), route (classified → routed), total (found → final). */
    latency: Record<StageName, Percentiles>;
    /** The model call itself as docsort timed it (retries included). */
    modelCall: Percentiles;
    tokens: TokenStats;
    utilisation: HostUtilisation[];
  };
  handlers: HandlerCounts[];
}

export const STAGE_NAMES = ["wait", "extract", "model", "route", "total"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
}

export interface TokenStats {
  /** Documents classified by the model in the sample. */
  documents: number;
  /** prompt_eval_count per document as Ollama reported it (the tokens it evaluated). */
  promptPerDocument: number | null;
  /** Prompt tokens Ollama took from its cache, per document, when the classification recorded them. */
  cachedPerDocument: number | null;
  outputPerDocument: number | null;
}

export interface HostUtilisation {
  host: string;
  parallel: number;
  /** Documents whose model answer came from this host (the host recorded with the classification). */
  documents: number;
  /** Sum of model call times in the sample (ms). */
  busyMs: number;
  /** From the start of the first call to the end of the last (ms). */
  windowMs: number;
  /** busyMs / (parallel × windowMs): 1 = every slot busy the whole time. */
  utilisation: number | null;
}

export interface HandlerCounts {
  handler: string;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  dead: number;
}

export interface StatsOptions {
  /** ISO timestamp (UTC); only what happened since then. */
  since?: string | undefined;
  /** Without `since`, stage latencies and tokens are taken over this many most recent documents. */
  recent?: number;
  /** Without `since`, the throughput covers this many days back from today. */
  days?: number;
  /** The model hosts to attribute model time to (`model.hosts`); with one, unrecorded hosts count as it. */
  hosts: readonly { url: string; parallel: number }[];
}

const DEFAULT_RECENT = 2000;
const DEFAULT_DAYS = 30;
/** handler_runs came with schema version 2. */
const OLDEST_SCHEMA = 2;

/**
 * Opens an existing database read-only (no migration, no file or folder created); undefined when there is none.
 * Throws DocsortError when its schema is too old to read.
 */
export function openDatabaseReadOnly(file: string): Db | undefined {
  if (!existsSync(file)) return undefined;
  const db = new Database(file, sqliteOptions({ readonly: true, fileMustExist: true }));
  db.pragma("busy_timeout = 10000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version < OLDEST_SCHEMA) {
    db.close();
    throw new DocsortError(
      `the database ${file} has schema version ${version}; run "docsort list" once to upgrade it`,
    );
  }
  return db;
}
const FINAL = [...FINAL_STATUSES];
const finalList = FINAL.map((s) => `'${s}'`).join(", ");

/** p-th percentile (nearest rank) of `values`; null when empty. */
/** Count, p50 and p95 (nearest rank: the value at 1-based rank ceil(p/100 × n)) of values sorted ascending. */
function percentiles(sorted: readonly number[]): Percentiles {
  const at = (p: number) =>
    sorted.length === 0 ? null : (sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? null);
  return { count: sorted.length, p50: at(50), p95: at(95) };
}

export function collectStats(db: Db, options: StatsOptions): StoreStats {
  const since = options.since ?? null;
  const recent = options.recent ?? DEFAULT_RECENT;
  const sampleFrom = sampleStart(db, since, recent);
  return {
    since,
    documents: documentCounts(db, since),
    throughput: throughput(db, since, options.days ?? DEFAULT_DAYS),
    sample: {
      documents: sampleFrom.count,
      description: since ? `documents found since ${since}` : `the ${sampleFrom.count} most recent documents`,
      latency: stageLatencies(db, sampleFrom.firstId),
      ...modelFigures(db, sampleFrom.firstId, options.hosts),
    },
    handlers: handlerCounts(db, since),
  };
}

/** The first document id of the sample: the most recent `recent` documents, or all found since `since`. */
function sampleStart(db: Db, since: string | null, recent: number): { firstId: number; count: number } {
  type Row = { first: number | null; n: number };
  // document_stages has a row per document that reached a stage, in far fewer pages than the documents' rows
  const newest =
    schemaVersion(db) >= TOTALS_KEPT
      ? "SELECT document_id AS id FROM document_stages ORDER BY document_id DESC LIMIT @recent"
      : "SELECT id FROM documents ORDER BY id DESC LIMIT @recent";
  const row = since
    ? db
        .prepare<{ since: string }, Row>(
          "SELECT min(id) AS first, count(*) AS n FROM documents WHERE created_at >= @since",
        )
        .get({ since })
    : db
        .prepare<{ recent: number }, Row>(`SELECT min(id) AS first, count(*) AS n FROM (${newest})`)
        .get({ recent });
  return { firstId: row?.first ?? Number.MAX_SAFE_INTEGER, count: row?.n ?? 0 };
}

function documentCounts(db: Db, since: string | null): StoreStats["documents"] {
  const byStatus = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number>;
  const statusSql =
    since === null && schemaVersion(db) >= TOTALS_KEPT
      ? "SELECT status, documents AS n FROM status_counts"
      : `SELECT status, count(*) AS n FROM documents ${since ? "WHERE created_at >= @since" : ""} GROUP BY status`;
  const statusRows = db
    .prepare<{ since: string | null }, { status: DocumentStatus; n: number }>(statusSql)
    .all({ since });
  let total = 0;
  for (const row of statusRows) {
    byStatus[row.status] = row.n;
    total += row.n;
  }
  const categoryRows =
    since === null && schemaVersion(db) >= CATEGORIES_KEPT
      ? db
          .prepare<[], { category: string; n: number }>(
            "SELECT category, documents AS n FROM category_counts WHERE documents > 0 ORDER BY n DESC, category",
          )
          .all()
      : // SQLite takes a bare column next to max() from the row holding the max: the newest classification's category
        db
          .prepare<{ since: string | null }, { category: string; n: number }>(`
            SELECT category, count(*) AS n
            FROM (SELECT document_id, category, max(id) FROM classifications GROUP BY document_id) latest
            ${since ? "WHERE document_id IN (SELECT id FROM documents WHERE created_at >= @since)" : ""}
            GROUP BY category ORDER BY n DESC, category`)
          .all({ since });
  return { total, byStatus, byCategory: Object.fromEntries(categoryRows.map((r) => [r.category, r.n])) };
}

/**
 * A document counts on the day it first became final. Kept per day in finished_per_day (migration 010) and per
 * document in document_finished (migration 009), which a `since` that is not a day's start is read from; a store
 * older than that is read from its events: the final events since `from` of documents that had none before.
 */
function throughput(db: Db, since: string | null, days: number): StoreStats["throughput"] {
  const from = since ?? new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  return db
    .prepare<{ since: string }, { day: string; finished: number }>(throughputSql(db, since))
    .all({ since: from });
}

function throughputSql(db: Db, since: string | null): string {
  const version = schemaVersion(db);
  if (since === null && version >= TOTALS_KEPT)
    return "SELECT day, documents AS finished FROM finished_per_day WHERE day >= @since AND documents > 0 ORDER BY day";
  if (version >= CATEGORIES_KEPT)
    return `SELECT substr(finished_at, 1, 10) AS day, count(*) AS finished
      FROM document_finished WHERE finished_at >= @since
      GROUP BY day ORDER BY day`;
  return `SELECT substr(e.created_at, 1, 10) AS day, count(*) AS finished
    FROM events e
    WHERE e.to_status IN (${finalList}) AND e.created_at >= @since
      AND NOT EXISTS (
        SELECT 1 FROM events p
        WHERE p.document_id = e.document_id AND p.created_at <= e.created_at AND p.to_status IN (${finalList})
          AND (p.created_at < e.created_at OR p.id < e.id))
    GROUP BY day ORDER BY day`;
}

/** category_counts and document_finished came with schema version 9. */
const CATEGORIES_KEPT = 9;
/** status_counts, finished_per_day, document_stages and handler_outcomes came with schema version 10. */
const TOTALS_KEPT = 10;

/** Older stores are read as they are: stats opens them read-only, without migrating them. */
function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function stageLatencies(db: Db, firstId: number): Record<StageName, Percentiles> {
  const sorted =
    schemaVersion(db) >= TOTALS_KEPT ? keptStageTimes(db, firstId) : scannedStageTimes(db, firstId);
  return {
    wait: percentiles(sorted.wait),
    extract: percentiles(sorted.extract),
    model: percentiles(sorted.model),
    route: percentiles(sorted.route),
    total: percentiles(sorted.total),
  };
}

/** What each stage is, between two of document_stages' times (Unix ms). */
const STAGE_SPANS: Record<StageName, [from: string, to: string]> = {
  wait: ["discovered", "extracting"],
  extract: ["extracting", "extracted"],
  model: ["extracted", "classified"],
  route: ["classified", "routed"],
  total: ["discovered", "final"],
};

/**
 * Per stage, its durations over the sample, sorted by SQLite: a list of numbers per stage, never an object per
 * document (on a cold start, building thousands of rows in JavaScript was most of `stats`).
 */
function keptStageTimes(db: Db, firstId: number): Record<StageName, number[]> {
  const times = (stage: StageName) => {
    const [from, to] = STAGE_SPANS[stage];
    return db
      .prepare<[number], number>(`
        SELECT ${to} - ${from} AS ms FROM document_stages WHERE document_id >= ? AND ms >= 0 ORDER BY ms`)
      .pluck()
      .all(firstId);
  };
  return {
    wait: times("wait"),
    extract: times("extract"),
    model: times("model"),
    route: times("route"),
    total: times("total"),
  };
}

interface StageRow {
  wait: number | null;
  extract: number | null;
  model: number | null;
  route: number | null;
  total: number | null;
}

/** Milliseconds between two ISO timestamps, in SQL (julianday is in days). */
const gap = (from: string, to: string) => `round((julianday(${to}) - julianday(${from})) * 86400000.0)`;

/** keptStageTimes for a store older than document_stages: from its events. */
function scannedStageTimes(db: Db, firstId: number): Record<StageName, number[]> {
  const first = (type: string) => `min(CASE WHEN type = '${type}' THEN created_at END)`;
  const rows = db
    .prepare<[number], StageRow>(`
      SELECT ${gap("discovered", "extracting")} AS wait, ${gap("extracting", "extracted")} AS extract,
             ${gap("extracted", "classified")} AS model, ${gap("classified", "routed")} AS route,
             ${gap("discovered", "final")} AS total
      FROM (
        SELECT ${first("discovered")} AS discovered, ${first("extracting")} AS extracting,
               ${first("extracted")} AS extracted, ${first("classified")} AS classified, ${first("routed")} AS routed,
               min(CASE WHEN to_status IN (${finalList}) THEN created_at END) AS final
        FROM events WHERE document_id >= ? GROUP BY document_id
      )`)
    .all(firstId);
  const column = (stage: StageName) =>
    rows
      .map((r) => r[stage])
      .filter((v): v is number => v !== null && v >= 0)
      .sort((a, b) => a - b);
  return {
    wait: column("wait"),
    extract: column("extract"),
    model: column("model"),
    route: column("route"),
    total: column("total"),
  };
}

interface AnswerTotals {
  documents: number;
  prompt: number | null;
  cached: number | null;
  output: number | null;
  /** The first call's start and the last answer, in Unix ms. */
  start: number | null;
  end: number | null;
}

/** The model's answers in the sample: what stats reads of them is in classifications_model_figures (010). */
const ANSWERS = "FROM classifications WHERE document_id >= @firstId AND source = 'llm'";
const answeredAt = "round(unixepoch(created_at, 'subsec') * 1000)";

function modelFigures(
  db: Db,
  firstId: number,
  hosts: StatsOptions["hosts"],
): Pick<StoreStats["sample"], "modelCall" | "tokens" | "utilisation"> {
  const totals = db
    .prepare<{ firstId: number }, AnswerTotals>(`
      SELECT count(*) AS documents, avg(prompt_tokens) AS prompt,
             avg(json_extract(details, '$.promptCachedTokens')) AS cached, avg(output_tokens) AS output,
             min(${answeredAt} - coalesce(latency_ms, 0)) AS start, max(${answeredAt}) AS end
      ${ANSWERS}`)
    .get({ firstId });
  // with one host, the answers that did not record theirs came from it
  const only = hosts.length === 1 ? (hosts[0]?.url ?? null) : null;
  const perHost = db
    .prepare<
      { firstId: number; only: string | null },
      { host: string | null; documents: number; busy: number }
    >(`
      SELECT coalesce(json_extract(details, '$.host'), @only) AS host, count(*) AS documents,
             sum(coalesce(latency_ms, 0)) AS busy
      ${ANSWERS} GROUP BY 1`)
    .all({ firstId, only });
  const latencies = db
    .prepare<{ firstId: number }, number>(
      `SELECT latency_ms ${ANSWERS} AND latency_ms IS NOT NULL ORDER BY latency_ms`,
    )
    .pluck()
    .all({ firstId });
  const start = totals?.start ?? 0;
  const end = totals?.end ?? 0;
  const windowMs = end > start ? end - start : 0;
  return {
    modelCall: percentiles(latencies),
    tokens: {
      documents: totals?.documents ?? 0,
      promptPerDocument: totals?.prompt ?? null,
      cachedPerDocument: totals?.cached ?? null,
      outputPerDocument: totals?.output ?? null,
    },
    utilisation: hosts.map((host) => {
      const answered = perHost.find((row) => row.host === host.url);
      const busyMs = answered?.busy ?? 0;
      return {
        host: host.url,
        parallel: host.parallel,
        documents: answered?.documents ?? 0,
        busyMs,
        windowMs,
        utilisation: windowMs > 0 ? busyMs / (host.parallel * windowMs) : null,
      };
    }),
  };
}

function handlerCounts(db: Db, since: string | null): HandlerCounts[] {
  const sql =
    since === null && schemaVersion(db) >= TOTALS_KEPT
      ? "SELECT handler_name, status, runs AS n FROM handler_outcomes WHERE runs > 0 ORDER BY handler_name"
      : `SELECT handler_name, status, count(*) AS n FROM handler_runs WHERE created_at >= @since
         GROUP BY handler_name, status ORDER BY handler_name`;
  const rows = db
    .prepare<{ since: string }, { handler_name: string; status: string; n: number }>(sql)
    .all({ since: since ?? "" });
  const byHandler = new Map<string, HandlerCounts>();
  for (const row of rows) {
    const counts = byHandler.get(row.handler_name) ?? {
      handler: row.handler_name,
      pending: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      dead: 0,
    };
    if (row.status in counts && row.status !== "handler")
      counts[row.status as keyof Omit<HandlerCounts, "handler">] = row.n;
    byHandler.set(row.handler_name, counts);
  }
  return [...byHandler.values()];
}

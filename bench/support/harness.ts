import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { DOCSORT_BIN } from "../../tests/support/run-docsort.js";
import { type Measured, runMeasured, startMeasured, waitFor } from "./processes.js";

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const NAIVE_SOURCE = path.join(BENCH_DIR, "naive-baseline.ts");
const NAIVE_OUT = path.join(BENCH_DIR, ".out");
export const NAIVE_BIN = path.join(NAIVE_OUT, "naive-baseline.js");

/** A scratch folder for one run; removed by `cleanup`. */
export interface Scratch {
  root: string;
  cleanup(): void;
}

export function scratch(prefix: string): Scratch {
  const root = mkdtempSync(path.join(os.tmpdir(), `docsort-bench-${prefix}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** docsort's home, inbox and config file inside a scratch folder. */
export interface DocsortSetup {
  home: string;
  inbox: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
}

export function docsortSetup(root: string, host: string, config: Record<string, unknown>): DocsortSetup {
  const home = path.join(root, "home");
  const inbox = path.join(root, "inbox");
  mkdirSync(home, { recursive: true });
  mkdirSync(inbox, { recursive: true });
  const configFile = path.join(home, "docsort.config.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: "1",
    DOCSORT_HOME: home,
    DOCSORT_INBOX: inbox,
    OLLAMA_HOST: host,
  };
  return { home, inbox, configFile, env };
}

export function docsortArgs(setup: DocsortSetup, ...args: string[]): string[] {
  return [
    ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    DOCSORT_BIN,
    "--config",
    setup.configFile,
    ...args,
  ];
}

/** `docsort watch --once` as a whole process. */
export function runDocsortOnce(setup: DocsortSetup, timeoutMs = 300_000) {
  return runMeasured(process.execPath, docsortArgs(setup, "watch", "--once"), {
    env: setup.env,
    cwd: setup.home,
    timeoutMs,
  });
}

/** `docsort watch` (the daemon); stop it with SIGTERM. */
export function startDaemon(setup: DocsortSetup): Measured {
  return startMeasured(process.execPath, docsortArgs(setup, "watch"), { env: setup.env, cwd: setup.home });
}

/** Resolves once the daemon logged that it watches the inbox (its log file, info level). */
export async function waitUntilWatching(home: string, daemon: Measured, timeoutMs = 60_000): Promise<void> {
  const log = path.join(home, "logs", "docsort.log");
  await waitFor(
    () => {
      if (daemon.child.exitCode !== null)
        throw new Error(`docsort exited early: ${daemon.stderr.slice(-2000)}`);
      return existsSync(log) && readFileSync(log, "utf8").includes('"msg":"watching');
    },
    "the daemon to watch its inbox",
    timeoutMs,
    50,
  );
}

/** Compiles the naive script to plain JavaScript once, so it starts as fast as a hand-written .js file. */
export function buildNaive(): void {
  execFileSync(
    "npx",
    [
      "tsc",
      "--ignoreConfig",
      NAIVE_SOURCE,
      "--outDir",
      NAIVE_OUT,
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2023",
      "--types",
      "node",
      "--skipLibCheck",
      "--strict",
    ],
    { stdio: "inherit", cwd: path.dirname(BENCH_DIR) },
  );
}

export interface NaiveRow {
  file: string;
  category: string | null;
  error: string | null;
  started_ms: number;
  finished_ms: number;
}

/** The naive script over `inbox` with `workers` workers; `hosts` are taken in turn by the workers. */
export async function runNaive(
  root: string,
  inbox: string,
  hosts: string[],
  workers: number,
  taxonomy: unknown,
) {
  const dbFile = path.join(root, "naive.db");
  const run = await runMeasured(process.execPath, [NAIVE_BIN, inbox, dbFile], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OLLAMA_HOSTS: hosts.join(","),
      NAIVE_WORKERS: String(workers),
      NAIVE_TAXONOMY: JSON.stringify(taxonomy),
    },
    timeoutMs: 300_000,
  });
  if (run.code !== 0) throw new Error(`naive script failed (${run.code}): ${run.stderr.slice(-2000)}`);
  const db = new Database(dbFile, { readonly: true });
  const rows = db
    .prepare<[], NaiveRow>("SELECT file, category, error, started_ms, finished_ms FROM results")
    .all();
  db.close();
  return { ...run, rows };
}

export interface DocumentResult {
  id: number;
  path: string;
  name: string;
  status: string;
  parent_id: number | null;
  category: string | null;
  source: string | null;
  classifications: number;
}

export interface EventRow {
  document_id: number;
  type: string;
  /** The status the event moved the document to, if it changed it. */
  toStatus: string | null;
  at: number;
}

/** docsort's results, read from its database (read-only). */
export function readDocsort(home: string): { documents: DocumentResult[]; events: EventRow[] } {
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    const documents = db
      .prepare<[], DocumentResult>(`
        SELECT d.id, d.path, d.name, d.status, d.parent_id, c.category, c.source,
               (SELECT count(*) FROM classifications WHERE document_id = d.id) AS classifications
        FROM documents d
        LEFT JOIN classifications c ON c.id = (SELECT max(id) FROM classifications WHERE document_id = d.id)
        ORDER BY d.id`)
      .all();
    const events = db
      .prepare<[], { document_id: number; type: string; to_status: string | null; created_at: string }>(
        "SELECT document_id, type, to_status, created_at FROM events WHERE document_id IS NOT NULL ORDER BY id",
      )
      .all()
      .map((e) => ({
        document_id: e.document_id,
        type: e.type,
        toStatus: e.to_status,
        at: Date.parse(e.created_at),
      }));
    return { documents, events };
  } finally {
    db.close();
  }
}

export const FINAL = new Set(["done", "needs_review", "failed", "quarantined", "duplicate"]);

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

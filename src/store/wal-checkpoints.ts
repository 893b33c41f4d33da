import { Worker } from "node:worker_threads";
import type { Logger } from "../log/logger.js";
import { threadEntry } from "../package-files.js";
import type { Db } from "./database.js";

/** SQLite's default: a commit that finds the write-ahead log over this many pages checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;
/** A log this long (frames) after a round of checkpoints is started again from its beginning (wal-checkpoint-thread.ts). */
const RESTART_FRAMES = 4096;
const STOP_WAIT_MS = 5000;

export interface WalCheckpoints {
  /** Checkpoints once more, ends the thread, and gives the checkpoints back to `db`'s own commits. */
  stop(): Promise<void>;
}

/**
 * Moves the write-ahead log's checkpoints off the daemon's main thread. SQLite runs a checkpoint inside the commit
 * that finds the log over 1,000 pages: with a fast model that is every dozen documents or so, and copying the
 * pages and the two fsyncs held the main thread for about a fourteenth of its time (bench/PROFILE.md §9). A worker
 * thread with its own connection checkpoints every `intervalMs` ms instead, and has the log started again from
 * its beginning once it is `restartFrames` frames long (under commits that keep coming it would otherwise grow
 * for ever, PROFILE.md §11); `db` (the daemon's connection) stops checkpointing — only once the thread is ready,
 * and again as soon as it ends for any reason, so the log is never left to grow. The daemon starts it with its
 * first finished document, after its own start-up. Source: https://www.sqlite.org/wal.html#automatic_checkpoint
 * and better-sqlite3's docs/performance.md (checkpoints from another connection, wal_checkpoint).
 */
export function startWalCheckpoints(
  db: Db,
  log: Logger,
  intervalMs = 1000,
  restartFrames = RESTART_FRAMES,
): WalCheckpoints {
  const entry = threadEntry("store/wal-checkpoint-thread");
  const worker = new Worker(entry.source, {
    eval: entry.eval,
    workerData: { file: db.name, intervalMs, restartFrames },
    // it allocates next to nothing: a small young generation keeps its memory small (V8's default is 16 MB)
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  let stopping = false;
  const checkpointHere = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on("message", (message: unknown) => {
    if (message === "ready" && !stopping && db.open) db.pragma("wal_autocheckpoint = 0");
  });
  worker.on("error", (error: unknown) => {
    // what a thread throws reaches here as a copy: a SqliteError's is a plain object with its code, no message
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
    const reason = error instanceof Error ? error.message : (code ?? String(error));
    if (!stopping) log.warn(`the checkpoint thread failed: ${reason}; the daemon checkpoints itself`);
  });
  const exited = new Promise<void>((resolve) =>
    worker.on("exit", () => {
      checkpointHere();
      resolve();
    }),
  );
  // after the listeners: adding a "message" listener refs a worker again
  worker.unref();
  return {
    async stop() {
      stopping = true;
      worker.postMessage("stop");
      const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The daemon's checkpoint thread (see wal-checkpoints.ts): its own connection to the database copies what the
 * write-ahead log holds into the database file every `intervalMs`, off the main thread. PASSIVE: it never waits
 * for, nor blocks, a reader or a writer; RESTART and TRUNCATE (below) briefly do
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { sqliteOptions } from "./sqlite-addon.js";

// the settings are checked by hand: zod would be most of this thread's memory
const { file, intervalMs, restartFrames } = (workerData ?? {}) as {
  file?: unknown;
  intervalMs?: unknown;
  restartFrames?: unknown;
};
if (
  typeof file !== "string" ||
  typeof intervalMs !== "number" ||
  !(intervalMs > 0) ||
  typeof restartFrames !== "number" ||
  !(restartFrames > 0)
)
  throw new Error(
    "wal-checkpoint-thread needs workerData { file: string, intervalMs: number > 0, restartFrames: number > 0 }",
  );
if (!parentPort) throw new Error("wal-checkpoint-thread runs as a worker thread only");
const port = parentPort;

const db = new Database(file, sqliteOptions({ fileMustExist: true }));
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");
/**
 * PASSIVE copies what the log holds when it starts. While the daemon commits all the time (a fast model, a burst),
 * a commit lands during every copy, the log is never found wholly copied, and SQLite never starts it again from
 * its beginning: it grew to 300 MB over 1,000 small documents in the bench (bench/PROFILE.md §11), and deleting it
 * was most of the 0.15 s the daemon's final close took. A log `restartFrames` long after a round is started again:
 * RESTART holds the daemon's commits (they wait, busy_timeout) while it copies the frames PASSIVE left and waits
 * for readers; it gives up after RESTART_WAIT_MS, and the next round tries again.
 */
const RESTART_WAIT_MS = 100;

const checkpoint = (mode: "PASSIVE" | "RESTART" | "TRUNCATE") => {
  try {
    if (mode !== "PASSIVE") db.pragma(`busy_timeout = ${RESTART_WAIT_MS}`);
    return db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
  } catch (error) {
    // a full disk (SQLITE_FULL) or a busy database passes; the next round tries again. Anything else ends the
    // thread, and the daemon checkpoints itself (wal-checkpoints.ts)
    const code = (error as { code?: unknown }).code;
    if (code !== "SQLITE_FULL" && code !== "SQLITE_BUSY" && code !== "SQLITE_IOERR_WRITE") throw error;
    return [];
  } finally {
    if (mode !== "PASSIVE") db.pragma("busy_timeout = 5000");
  }
};
const round = () => {
  const [passive] = checkpoint("PASSIVE");
  if (passive && passive.log >= restartFrames) checkpoint("RESTART");
};
const timer = setInterval(round, intervalMs);
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  // the daemon has stopped writing: the log is copied and emptied, and closing the database has nothing left to do
  checkpoint("PASSIVE");
  checkpoint("TRUNCATE");
  db.close();
  port.close();
});
port.postMessage("ready");

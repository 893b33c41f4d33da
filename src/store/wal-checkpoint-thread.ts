/**
 * The daemon's checkpoint thread (see wal-checkpoints.ts): its own connection to the database copies what the
 * write-ahead log holds into the database file every `intervalMs`, off the main thread. PASSIVE: it never waits
 * for, nor blocks, a reader or a writer (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { sqliteOptions } from "./sqlite-addon.js";

// the two settings are checked by hand: zod would be most of this thread's memory
const { file, intervalMs } = (workerData ?? {}) as { file?: unknown; intervalMs?: unknown };
if (typeof file !== "string" || typeof intervalMs !== "number" || !(intervalMs > 0))
  throw new Error("wal-checkpoint-thread needs workerData { file: string, intervalMs: number > 0 }");
if (!parentPort) throw new Error("wal-checkpoint-thread runs as a worker thread only");
const port = parentPort;

const db = new Database(file, sqliteOptions({ fileMustExist: true }));
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // a full disk (SQLITE_FULL) or a busy database passes; the next round tries again. Anything else ends the
    // thread, and the daemon checkpoints itself (wal-checkpoints.ts)
    const code = (error as { code?: unknown }).code;
    if (code !== "SQLITE_FULL" && code !== "SQLITE_BUSY" && code !== "SQLITE_IOERR_WRITE") throw error;
  }
};
const timer = setInterval(checkpoint, intervalMs);
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  port.close();
});
port.postMessage("ready");

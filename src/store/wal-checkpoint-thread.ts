/**
 * The daemon's checkpoint thread (see wal-checkpoints.ts): its own connection to the database copies what the
 * write-ahead log holds into the database file every `intervalMs`, off the main thread. PASSIVE: it never waits
 * for, nor blocks, a reader or a writer (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { z } from "zod";
import { sqliteOptions } from "./sqlite-addon.js";

const settings = z.object({ file: z.string(), intervalMs: z.number().positive() }).parse(workerData);
if (!parentPort) throw new Error("wal-checkpoint-thread runs as a worker thread only");
const port = parentPort;

const db = new Database(settings.file, sqliteOptions({ fileMustExist: true }));
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");
const checkpoint = () => db.pragma("wal_checkpoint(PASSIVE)");
const timer = setInterval(checkpoint, settings.intervalMs);
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  port.close();
});
port.postMessage("ready");

import v8 from "node:v8";
import type { Db } from "./store/database.js";

/**
 * How far V8's old generation may grow past what survived the last full garbage collection before it collects
 * again, in percent: 50 lets it grow to 1.5× the live data.
 *
 * Left alone, V8 picks a factor of up to 4× on a machine with a large heap limit (V8's MemoryController,
 * src/heap/heap-controller.cc), and the daemon's steady churn — every request to the model server allocates
 * objects that outlive a young-generation collection — piles up as dead objects in the old generation: a burst
 * of 5,000 documents grew the heap to 300 MB around 70 MB of live data (bench/PROFILE.md, "Memory"). At 1.5× a
 * full collection comes every few seconds of that churn and costs a few milliseconds of marking, most of it on
 * V8's background threads.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * SQLite's page cache of the daemon's connection, in KiB (`PRAGMA cache_size` with a negative value: KiB, not
 * pages; https://sqlite.org/pragma.html#pragma_cache_size). better-sqlite3 builds SQLite with 16 MiB; the
 * daemon's hot pages (the queue's indexes, the rows in flight) fit in far less, and a miss is a read from the
 * operating system's cache.
 */
export const DAEMON_CACHE_KIB = 4096;

/**
 * Bounds the heap growth of this process from its next full collection on (V8 flag `--heap-growing-percent`,
 * read each time V8 sets the next collection limit). Throws RangeError unless `percent` is a positive integer.
 */
export function boundHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent <= 0)
    throw new RangeError(`heap growth must be a positive whole percent, not ${percent}`);
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** The long-running daemon's memory bounds: V8's heap growth and the page cache of its database connection. */
export function boundDaemonMemory(db: Db): void {
  boundHeapGrowth();
  db.pragma(`cache_size = -${DAEMON_CACHE_KIB}`);
}

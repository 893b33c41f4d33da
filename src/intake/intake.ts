import type { Stats } from "node:fs";
import { lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import { type FSWatcher, watch } from "chokidar";
import type { IntakeConfig } from "../config/schema.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { StorageGuard } from "../store/storage-guard.js";
import type { Store } from "../store/store.js";
import { createIgnoreMatcher } from "./ignore-rules.js";
import { listInbox } from "./inbox-scanner.js";
import { type InboxProblem, inspectFile } from "./inspect-file.js";
import { type HashedFile, type RegisterOutcome, registerFile, registerProblem } from "./register-file.js";
import { StabilityTracker, type StableFile } from "./stability-tracker.js";

export interface IntakeOptions {
  inbox: string;
  config: IntakeConfig;
  /** Larger files are recorded as quarantined without reading a byte (extract.maxFileBytes). */
  maxFileBytes: number;
  store: Store;
  logger: Logger;
  /** While the data folder cannot be written (full disk), files are not registered; a rescan follows. */
  storage?: StorageGuard;
  /** Folders below the inbox that docsort writes to itself (archive, filing roots): never taken in. */
  excludeDirs?: readonly string[];
  onRegistered?: (outcome: RegisterOutcome) => void;
  /** Files read and hashed at once; default READS_AT_ONCE. */
  readsAtOnce?: number;
}

/**
 * Finds finished files in the inbox: OS events (or polling), a scan at start and a periodic rescan that catches
 * anything the watcher missed. It only reads files: never moves, changes or deletes them. It never follows a
 * symbolic link; links, FIFOs, sockets, devices, files it may not read, folders it may not list and files over
 * the size limit are each recorded as a quarantined document with the reason.
 */
export class Intake {
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly tracker: StabilityTracker;
  private readonly isIgnoredName: (p: string) => boolean;
  private readonly hashing = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Stable files waiting to be read and hashed, by path, in arrival order. A burst of thousands of files waits
   * here as plain records while at most READS_AT_ONCE are open, instead of as thousands of open files, read
   * buffers and promises at once.
   */
  private readonly waiting = new Map<string, StableFile>();
  private reading = 0;
  private scanning = 0;
  private stopped = false;
  /** Hashed files waiting to be registered: all that arrived in one turn of the event loop share a transaction. */
  private batch: Registration[] = [];

  constructor(private readonly options: IntakeOptions) {
    this.isIgnoredName = createIgnoreMatcher(options.config.ignore);
    this.tracker = new StabilityTracker(options.config.stableMs, (file) => this.enqueue(file));
  }

  async start(watchForChanges: boolean): Promise<void> {
    await mkdir(this.options.inbox, { recursive: true });
    if (watchForChanges) await this.startWatcher();
    await this.scan();
    const every = this.options.config.rescanIntervalMs;
    if (watchForChanges && every > 0) {
      this.rescanTimer = setInterval(() => void this.scan(), every);
      this.rescanTimer.unref();
    }
  }

  /** Offers every file of the inbox that docsort has not seen with this size and mtime. */
  async scan(): Promise<number> {
    this.scanning += 1;
    try {
      const listing = await listInbox(this.options.inbox, (p) => this.isIgnored(p));
      for (const folder of listing.unreadable) {
        const stats = await lstatOrUndefined(folder.path);
        this.recordProblem({
          path: folder.path,
          code: "unreadable_folder",
          reason: `permission denied: docsort cannot list this folder (${folder.code}), so the files in it are not taken in; give it read and execute permission`,
          size: 0,
          mtimeMs: stats?.mtimeMs ?? 0,
        });
      }
      let offered = 0;
      for (const entry of listing.entries) {
        const stats = await lstatOrUndefined(entry.path);
        if (!stats || this.isKnown(entry.path, stats)) continue;
        offered += 1;
        await this.offer(entry.path, stats);
      }
      return offered;
    } catch (error) {
      this.options.logger.error(`scanning ${this.options.inbox} failed: ${errorMessage(error)}`);
      return 0;
    } finally {
      this.scanning -= 1;
    }
  }

  /** Nothing waiting to become stable, being hashed or scanned. */
  isIdle(): boolean {
    return (
      this.scanning === 0 && this.tracker.size === 0 && this.waiting.size === 0 && this.inFlight.size === 0
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.tracker.stop();
    this.waiting.clear();
    await this.watcher?.close();
    await Promise.allSettled([...this.inFlight]);
  }

  private async startWatcher(): Promise<void> {
    const { config } = this.options;
    const watcher = watch(this.options.inbox, {
      ignoreInitial: true,
      ignored: (p: string) => p !== this.options.inbox && this.isIgnored(p),
      usePolling: config.usePolling,
      interval: config.pollIntervalMs,
      binaryInterval: config.pollIntervalMs,
      // a link is never followed: it could lead out of the inbox (to /etc, or to a folder a move would empty)
      followSymlinks: false,
    });
    const onFile = (p: string) => void this.offer(p);
    watcher.on("add", onFile);
    watcher.on("change", onFile);
    watcher.on("error", (error) =>
      this.options.logger.error(`watching ${this.options.inbox}: ${errorMessage(error)}`),
    );
    await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
    this.watcher = watcher;
  }

  private isIgnored(p: string): boolean {
    if (this.isIgnoredName(p)) return true;
    const relative = path.relative(this.options.inbox, p);
    if (relative.split(path.sep).some((part) => part.startsWith("."))) return true;
    return (this.options.excludeDirs ?? []).some((dir) => p === dir || p.startsWith(dir + path.sep));
  }

  /** A regular file waits until it is stable; anything else is recorded at once as what it is. */
  private async offer(file: string, known?: Stats): Promise<void> {
    const stats = known ?? (await lstatOrUndefined(file));
    if (!stats) return;
    if (stats.isFile()) {
      await this.tracker.offer(file, stats);
      return;
    }
    if (stats.isDirectory() || this.isKnown(file, stats)) return;
    this.enqueue({ path: file, size: stats.size, mtimeMs: stats.mtimeMs });
  }

  private recordProblem(problem: InboxProblem): void {
    try {
      const outcome = registerProblem(this.options.store, problem);
      if (outcome.kind === "new") {
        this.options.logger.warn(`${problem.path}: ${problem.reason}`);
        this.options.onRegistered?.(outcome);
      }
    } catch (error) {
      if (this.options.storage?.pause(error)) return;
      this.options.logger.error(`cannot record ${problem.path}: ${errorMessage(error)}`);
    }
  }

  private isKnown(file: string, stats: Pick<Stats, "size" | "mtimeMs">): boolean {
    const sighting = this.options.store.files.get(file);
    return sighting !== undefined && sighting.size === stats.size && sighting.mtimeMs === stats.mtimeMs;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** A stable file joins the queue (once: a later sighting of the same path replaces the record in place). */
  private enqueue(file: StableFile): void {
    if (this.stopped) return;
    this.waiting.set(file.path, file);
    this.readNext();
  }

  private readNext(): void {
    const readsAtOnce = this.options.readsAtOnce ?? READS_AT_ONCE;
    while (this.reading < readsAtOnce && !this.stopped) {
      const next = this.waiting.values().next();
      if (next.done) return;
      this.waiting.delete(next.value.path);
      this.reading += 1;
      this.track(
        this.take(next.value).finally(() => {
          this.reading -= 1;
          this.readNext();
        }),
      );
    }
  }

  /**
   * Registers a hashed file together with the others hashed meanwhile (one write transaction for all; each file
   * in its own savepoint, so one that cannot be registered does not undo the others). Rejects with that file's
   * error.
   */
  private register(file: HashedFile): Promise<RegisterOutcome> {
    return new Promise((resolve, reject) => {
      this.batch.push({
        file,
        settle: (result) => (result.ok ? resolve(result.outcome) : reject(result.error)),
      });
      if (this.batch.length === 1) setImmediate(() => this.registerBatch());
    });
  }

  private registerBatch(): void {
    const batch = this.batch.splice(0, BATCH_SIZE);
    if (this.batch.length > 0) setImmediate(() => this.registerBatch());
    const results: Parameters<Registration["settle"]>[0][] = [];
    try {
      this.options.store.transaction(() => {
        for (const { file } of batch) {
          try {
            results.push({ ok: true, outcome: registerFile(this.options.store, file) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // the commit itself failed (a full disk): nothing of the batch was written
      for (const entry of batch) entry.settle({ ok: false, error });
      return;
    }
    for (const [i, entry] of batch.entries())
      entry.settle(results[i] ?? { ok: false, error: new Error("not registered") });
  }

  private async take(file: StableFile): Promise<void> {
    if (this.stopped || this.hashing.has(file.path) || this.options.storage?.paused) return;
    // the size and mtime were just looked at (the stability check): a file known with them is not read again
    if (this.isKnown(file.path, file)) return;
    this.hashing.add(file.path);
    try {
      const inspected = await inspectFile(file.path, this.options.maxFileBytes);
      if (inspected.kind === "gone") return;
      if (inspected.kind === "changed") {
        await this.offer(file.path, inspected.stats);
        return;
      }
      if (inspected.kind === "problem") {
        this.recordProblem(inspected);
        return;
      }
      if (inspected.size !== file.size || inspected.mtimeMs !== file.mtimeMs) {
        await this.offer(file.path);
        return;
      }
      this.options.onRegistered?.(await this.register(inspected));
    } catch (error) {
      // a full disk pauses the daemon; the rescan after it resumes takes the file
      if (this.options.storage?.pause(error)) return;
      this.options.logger.error(`cannot read ${file.path}: ${errorMessage(error)}; it will be tried again`);
    } finally {
      this.hashing.delete(file.path);
    }
  }
}

interface Registration {
  file: HashedFile;
  settle: (result: { ok: true; outcome: RegisterOutcome } | { ok: false; error: unknown }) => void;
}

/**
 * Files read and hashed at once. Reading a small file takes well under a millisecond, so a few at a time keep
 * registration ahead of the model, while a burst of thousands waits as plain records (see Intake.waiting).
 */
const READS_AT_ONCE = 16;

/** Files registered per transaction at most. */
const BATCH_SIZE = 200;

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}

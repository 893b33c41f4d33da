import type { Logger } from "../log/logger.js";
import type { Db } from "./database.js";

const FULL_CODES = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT"]);

/**
 * Whether a write failed because the disk (or the quota) is full — or the disk failed the write (SQLITE_IOERR_*):
 * then nothing is wrong with the document or the run, and the work is paused, not failed.
 */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (FULL_CODES.has(code) || code.startsWith("SQLITE_IOERR"));
}

export interface StorageGuardOptions {
  db: Db;
  /** Where the data folder is, for the message. */
  home: string;
  logger: Logger;
  /** How often a paused daemon checks whether there is space again. */
  probeEveryMs?: number;
  /** Bytes a probe must be able to write (and then frees) before work resumes. */
  probeBytes?: number;
}

/**
 * The daemon's answer to a full disk: the first failed write pauses all work (one log line), every few seconds a
 * probe tries to write, and once it can, the writes that failed are done again and work resumes (one more line).
 * Nothing is lost meanwhile: a document whose state could not be written goes back to the queue, a handler run's
 * outcome is recorded late.
 */
export class StorageGuard {
  private pausedWith: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending: (() => void)[] = [];
  private readonly listeners: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: StorageGuardOptions) {}

  get paused(): boolean {
    return this.pausedWith !== undefined;
  }

  /** Called when work resumes (the pipeline and the outbox wake up, intake rescans). */
  onResume(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** A write failed with `error`: pause (if it is a full disk) and return true; false for any other error. */
  pause(error: unknown, retry?: () => void): boolean {
    if (!isStorageFull(error)) return false;
    if (retry) this.pending.push(retry);
    if (this.pausedWith !== undefined || this.stopped) return true;
    this.pausedWith = (error as { code: string }).code;
    this.options.logger.error(
      `cannot write to the data folder ${this.options.home} (${this.pausedWith}: the disk is full?): docsort pauses and resumes by itself when there is space again`,
    );
    this.schedule();
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.probe(), this.options.probeEveryMs ?? 5000);
    this.timer.unref();
  }

  private probe(): void {
    if (this.stopped) return;
    try {
      this.writeProbe();
      while (this.pending.length > 0) {
        this.pending[0]?.();
        this.pending.shift();
      }
    } catch (error) {
      if (!isStorageFull(error)) this.options.logger.error(`while paused: ${(error as Error).message}`);
      this.schedule();
      return;
    }
    this.pausedWith = undefined;
    this.options.logger.warn("the data folder can be written again: resuming");
    for (const listener of this.listeners) listener();
  }

  /** Room for a little more than one write: a row of `probeBytes` is written, committed and removed. */
  private writeProbe(): void {
    const { db } = this.options;
    const filler = "x".repeat(this.options.probeBytes ?? 256 * 1024);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('storage_probe', ?)").run(filler);
    db.prepare("DELETE FROM meta WHERE key = 'storage_probe'").run();
  }
}

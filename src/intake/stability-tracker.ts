import type { Stats } from "node:fs";
import { lstat } from "node:fs/promises";

export interface StableFile {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Pending {
  size: number;
  mtimeMs: number;
  timer: NodeJS.Timeout;
}

/**
 * A file is handed on only when its size and mtime have not changed for `stableMs`: a file still being copied,
 * downloaded or scanned keeps growing and is looked at again later. A file first seen with an mtime older than
 * `stableMs` has not been written to for that long and is handed on at once.
 */
export class StabilityTracker {
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(
    private readonly stableMs: number,
    private readonly onStable: (file: StableFile) => void,
    private readonly onVanished: (path: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Called for every sighting (watcher event, scan); restarts the clock when the file changed. */
  async offer(path: string, known?: Stats): Promise<void> {
    if (this.stopped) return;
    const stats = known ?? (await statOrUndefined(path));
    if (!stats?.isFile()) {
      this.forget(path);
      return;
    }
    const previous = this.pending.get(path);
    if (previous && previous.size === stats.size && previous.mtimeMs === stats.mtimeMs) return;
    if (previous) clearTimeout(previous.timer);
    else if (this.now() - stats.mtimeMs >= this.stableMs) {
      // unchanged for longer than stableMs already (a file waiting in the inbox at start): nothing to wait for
      this.onStable({ path, size: stats.size, mtimeMs: stats.mtimeMs });
      return;
    }
    this.schedule(path, stats.size, stats.mtimeMs);
  }

  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private schedule(path: string, size: number, mtimeMs: number): void {
    const timer = setTimeout(() => void this.check(path), this.waitFor(mtimeMs));
    this.pending.set(path, { size, mtimeMs, timer });
  }

  private async check(path: string): Promise<void> {
    const entry = this.pending.get(path);
    if (!entry || this.stopped) return;
    const stats = await statOrUndefined(path);
    if (!stats?.isFile()) {
      this.pending.delete(path);
      this.onVanished(path);
      return;
    }
    if (stats.size === entry.size && stats.mtimeMs === entry.mtimeMs) {
      this.pending.delete(path);
      this.onStable({ path, size: stats.size, mtimeMs: stats.mtimeMs });
      return;
    }
    this.schedule(path, stats.size, stats.mtimeMs);
  }

  /**
   * How long to wait before looking again, in ms. The file's own clock says when it was last written: unchanged
   * since `mtimeMs`, it is stable at `mtimeMs + stableMs`, however late the watcher reported it. A file system that
   * keeps whole seconds (FAT, some network shares) cannot say when in that second: such a file, and one dated in
   * the future, waits the whole `stableMs` from now.
   */
  private waitFor(mtimeMs: number): number {
    if (mtimeMs % 1000 === 0) return this.stableMs;
    return Math.min(this.stableMs, Math.max(0, mtimeMs + this.stableMs - this.now()));
  }

  private forget(path: string): void {
    const entry = this.pending.get(path);
    if (entry) clearTimeout(entry.timer);
    this.pending.delete(path);
  }
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

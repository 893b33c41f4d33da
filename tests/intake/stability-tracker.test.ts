import { appendFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { lstat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StabilityTracker, type StableFile } from "../../src/intake/stability-tracker.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
  // the tracker's clock is driven by the test: a busy machine cannot stretch a pause past stableMs
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
  dir.cleanup();
});

/** Lets the tracker's real stat calls finish without moving fake time (vi.waitFor would advance it). */
async function realIo(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i += 1) await lstat(dir.path);
}

describe("StabilityTracker", () => {
  it("hands a file on only after size and mtime stayed the same for stableMs", async () => {
    const stable: StableFile[] = [];
    // a clock at the epoch: every mtime is "new", so only the tracker's own timer can hand a file on
    const tracker = new StabilityTracker(
      300,
      (file) => stable.push(file),
      () => {},
      () => 0,
    );
    const file = path.join(dir.path, "growing.txt");
    writeFileSync(file, "a".repeat(1000));
    for (let chunk = 0; chunk < 6; chunk += 1) {
      await tracker.offer(file);
      await vi.advanceTimersByTimeAsync(100);
      appendFileSync(file, "b".repeat(1000));
    }
    await tracker.offer(file);
    expect(stable).toEqual([]);
    await vi.advanceTimersByTimeAsync(299);
    expect(stable).toEqual([]);
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(50);
      expect(stable).toHaveLength(1);
    });
    expect(stable[0]?.size).toBe(7000);
    tracker.stop();
  });

  it("re-checks a file that changed after it was offered, and reports one that vanished", async () => {
    const stable: StableFile[] = [];
    const vanished: string[] = [];
    const tracker = new StabilityTracker(
      150,
      (f) => stable.push(f),
      (p) => vanished.push(p),
      () => 0,
    );
    const growing = path.join(dir.path, "a.txt");
    const gone = path.join(dir.path, "b.txt");
    writeFileSync(growing, "x");
    writeFileSync(gone, "y");
    await tracker.offer(growing);
    await tracker.offer(gone);
    await vi.advanceTimersByTimeAsync(50);
    appendFileSync(growing, "more");
    rmSync(gone);
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(100);
      expect(tracker.size).toBe(0);
    });
    expect(stable.map((f) => [path.basename(f.path), f.size])).toEqual([["a.txt", 5]]);
    expect(vanished).toEqual([gone]);
  });

  it("hands on at once a file first seen with an mtime older than stableMs, and waits for a recent one", async () => {
    const stable: string[] = [];
    const now = Date.parse("2026-06-01T12:00:00Z");
    const tracker = new StabilityTracker(
      1000,
      (f) => stable.push(path.basename(f.path)),
      () => {},
      () => now,
    );
    const old = path.join(dir.path, "old.txt");
    const recent = path.join(dir.path, "recent.txt");
    writeFileSync(old, "waiting since a minute");
    writeFileSync(recent, "just written");
    utimesSync(old, new Date(now - 60_000), new Date(now - 60_000));
    utimesSync(recent, new Date(now - 200), new Date(now - 200));
    await tracker.offer(old);
    await tracker.offer(recent);
    expect(stable).toEqual(["old.txt"]);
    expect(tracker.size).toBe(1);
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(200);
      expect(stable).toEqual(["old.txt", "recent.txt"]);
    });
    tracker.stop();
  });

  it("counts the wait from the file's mtime, not from when the watcher reported it", async () => {
    const stable: string[] = [];
    const now = Date.parse("2026-06-01T12:00:00.700Z");
    const tracker = new StabilityTracker(
      1000,
      (f) => stable.push(path.basename(f.path)),
      () => {},
      () => now,
    );
    const late = path.join(dir.path, "reported-late.txt");
    const whole = path.join(dir.path, "whole-seconds.txt");
    writeFileSync(late, "written 400.5 ms before the watcher said so");
    writeFileSync(whole, "on a file system that keeps whole seconds");
    utimesSync(late, new Date(now - 400.5), new Date(now - 400.5));
    // 700 ms ago by a whole-seconds clock: maybe, maybe not
    utimesSync(whole, new Date(now - 700), new Date(now - 700));
    await tracker.offer(late);
    await tracker.offer(whole);
    // fake time moves only here; the tracker's stat calls are real I/O, waited for without moving it
    await vi.advanceTimersByTimeAsync(580);
    await lstat(dir.path);
    expect(stable).toEqual([]);
    await vi.advanceTimersByTimeAsync(40);
    await realIo(() => stable.length === 1);
    expect(stable).toEqual(["reported-late.txt"]);
    // whole seconds: when in that second the last write was is unknown, so the full stableMs from the sighting
    await vi.advanceTimersByTimeAsync(360);
    await lstat(dir.path);
    expect(stable).toEqual(["reported-late.txt"]);
    await vi.advanceTimersByTimeAsync(40);
    await realIo(() => stable.length === 2);
    expect(stable).toEqual(["reported-late.txt", "whole-seconds.txt"]);
    tracker.stop();
  });
});

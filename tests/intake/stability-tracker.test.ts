import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StabilityTracker, type StableFile } from "../../src/intake/stability-tracker.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("StabilityTracker", () => {
  it("hands a file on only after size and mtime stayed the same for stableMs", async () => {
    const stable: StableFile[] = [];
    const tracker = new StabilityTracker(300, (file) => stable.push(file));
    const file = path.join(dir.path, "growing.txt");
    writeFileSync(file, "a".repeat(1000));
    for (let chunk = 0; chunk < 6; chunk += 1) {
      await tracker.offer(file);
      await sleep(100);
      appendFileSync(file, "b".repeat(1000));
    }
    await tracker.offer(file);
    expect(stable).toEqual([]);
    await sleep(800);
    expect(stable).toHaveLength(1);
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
    );
    const growing = path.join(dir.path, "a.txt");
    const gone = path.join(dir.path, "b.txt");
    writeFileSync(growing, "x");
    writeFileSync(gone, "y");
    await tracker.offer(growing);
    await tracker.offer(gone);
    await sleep(50);
    appendFileSync(growing, "more");
    const { rmSync } = await import("node:fs");
    rmSync(gone);
    await sleep(500);
    expect(stable.map((f) => [path.basename(f.path), f.size])).toEqual([["a.txt", 5]]);
    expect(vanished).toEqual([gone]);
    expect(tracker.size).toBe(0);
  });
});

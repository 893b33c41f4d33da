import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  boundDaemonMemory,
  boundHeapGrowth,
  DAEMON_CACHE_KIB,
  HEAP_GROWING_PERCENT,
} from "../../src/daemon-memory.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";

const MODULE = pathToFileURL(new URL("../../dist/daemon-memory.js", import.meta.url).pathname).href;

/**
 * A process with ~30 MB of live data and a steady churn of objects that live long enough to reach V8's old
 * generation (what each model request does in the daemon); prints the peak of heapUsed in MB.
 */
const CHURN = `
const { boundHeapGrowth } = await import(${JSON.stringify(MODULE)});
if (process.argv[1] === "bound") boundHeapGrowth();
const live = [];
for (let i = 0; i < 300000; i++) live.push({ id: i, name: "document " + i });
const recent = [];
let peak = 0;
for (let round = 0; round < 2500; round++) {
  for (let i = 0; i < 2000; i++) recent.push({ text: "y".repeat(40) + i, pair: [i, round] });
  if (recent.length > 200000) recent.splice(0, 100000);
  await new Promise((resolve) => setImmediate(resolve));
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
console.log(Math.round(peak / 1048576));
`;

function peakHeapMb(mode: "bound" | "default"): number {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", CHURN, mode], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return Number(out.trim());
}

describe("boundHeapGrowth", () => {
  it("keeps dead objects in the old generation from piling up: the same churn peaks far lower", () => {
    const bound = peakHeapMb("bound");
    const unbounded = peakHeapMb("default");
    // ~30 MB live + up to 200,000 recent objects (~25 MB): V8's default factor lets the heap pass 150 MB
    expect(unbounded).toBeGreaterThan(bound * 1.5);
    expect(bound).toBeLessThan(150);
  });

  it("refuses a growth that is not a positive whole percent", () => {
    expect(() => boundHeapGrowth(0)).toThrow(RangeError);
    expect(() => boundHeapGrowth(2.5)).toThrow(RangeError);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
  });
});

describe("boundDaemonMemory", () => {
  it("gives the daemon's database connection a small page cache instead of better-sqlite3's 16 MiB", () => {
    const dir = tempDir();
    const store = Store.open(path.join(dir.path, "home"));
    try {
      expect(store.db.pragma("cache_size", { simple: true })).toBe(-16000);
      boundDaemonMemory(store.db);
      expect(store.db.pragma("cache_size", { simple: true })).toBe(-DAEMON_CACHE_KIB);
      expect(DAEMON_CACHE_KIB).toBeLessThan(16000);
    } finally {
      store.close();
      dir.cleanup();
    }
  });
});

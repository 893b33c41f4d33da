import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import { isStorageFull, StorageGuard } from "../../src/store/storage-guard.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";
import { waitUntil } from "../support/wait.js";

let dir: { path: string; cleanup: () => void };
let store: Store;
let guard: StorageGuard | undefined;
const lines: string[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (message) => lines.push(`warn ${message}`),
  error: (message) => lines.push(`error ${message}`),
};

beforeEach(() => {
  dir = tempDir();
  store = Store.open(dir.path);
  lines.length = 0;
});
afterEach(() => {
  guard?.stop();
  store.close();
  dir.cleanup();
});

/** A database that cannot grow: SQLite's own SQLITE_FULL, as on a full disk. */
function fill(): void {
  const pages = store.db.pragma("page_count", { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages}`);
}

function bigWrite(): void {
  store.meta.set(`note-${Math.random()}`, "y".repeat(200_000));
}

describe("StorageGuard", () => {
  it("pauses on a full disk with one line, retries what failed, and resumes with one line when there is room", async () => {
    guard = new StorageGuard({ db: store.db, home: dir.path, logger, probeEveryMs: 20 });
    let resumed = 0;
    guard.onResume(() => {
      resumed += 1;
    });
    fill();
    let error: unknown;
    try {
      bigWrite();
    } catch (caught) {
      error = caught;
    }
    expect(isStorageFull(error)).toBe(true);
    const written: string[] = [];
    expect(guard.pause(error, () => store.meta.set("late", "written"))).toBe(true);
    expect(guard.pause(error, () => written.push("second"))).toBe(true);
    expect(guard.paused).toBe(true);

    // still full for a while: the probe keeps failing, quietly
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(guard.paused).toBe(true);
    expect(store.meta.get("late")).toBeUndefined();

    store.db.pragma("max_page_count = 1073741823");
    await waitUntil(() => !guard?.paused, "the guard to resume");
    expect(store.meta.get("late")).toBe("written");
    expect(written).toEqual(["second"]);
    expect(resumed).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^error cannot write to the data folder .* \(SQLITE_FULL: the disk is full\?\): docsort pauses/,
    );
    expect(lines[1]).toBe("warn the data folder can be written again: resuming");
  });

  it("leaves other errors alone", () => {
    guard = new StorageGuard({ db: store.db, home: dir.path, logger });
    expect(guard.pause(new Error("a bug"))).toBe(false);
    expect(guard.paused).toBe(false);
    expect(lines).toEqual([]);
  });
});

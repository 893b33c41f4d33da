import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.js";
import { removeLeftovers } from "../../src/pipeline/remove-leftovers.js";
import { BlobStore } from "../../src/store/blob-store.js";
import { DataFolderError, databasePath, markerPath } from "../../src/store/data-folder.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
let home: string;
beforeEach(() => {
  dir = tempDir();
  home = path.join(dir.path, "home");
});
afterEach(() => dir.cleanup());

const mode = (file: string) => statSync(file).mode & 0o777;

describe("the data folder", () => {
  it("is created owner-only: folder 0700; database, WAL, shared memory and marker 0600", () => {
    const store = Store.open(home);
    store.meta.set("x", "y");
    try {
      expect(mode(home)).toBe(0o700);
      for (const file of [
        databasePath(home),
        `${databasePath(home)}-wal`,
        `${databasePath(home)}-shm`,
        markerPath(home),
      ])
        expect(mode(file), file).toBe(0o600);
    } finally {
      store.close();
    }
  });

  it("refuses to start when the database it held is gone, instead of silently starting over", () => {
    Store.open(home).close();
    rmSync(databasePath(home));
    expect(() => Store.open(home)).toThrow(DataFolderError);
    expect(() => Store.open(home)).toThrow(
      /docsort\.db is gone, but this data folder held database .*docsort init --force/,
    );
    expect(existsSync(databasePath(home))).toBe(false);
    const fresh = Store.open(home, { startOver: true });
    fresh.close();
    Store.open(home).close();
  });

  it("refuses another docsort's database in its place", () => {
    Store.open(home).close();
    const other = path.join(dir.path, "other");
    Store.open(other).close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(databasePath(home) + suffix, { force: true });
    copyFileSync(databasePath(other), databasePath(home));
    expect(() => Store.open(home)).toThrow(/is database .*, not .* that this data folder held/);
    Store.open(home, { startOver: true }).close();
    Store.open(home).close();
  });
});

describe("blob store", () => {
  it("stores the same content written at once by many writers (two attachments, two processes) exactly once", async () => {
    const root = path.join(dir.path, "blobs");
    const bytes = new TextEncoder().encode("the same attachment, twice in one e-mail");
    const stores = [new BlobStore(root), new BlobStore(root)];
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]?.put(bytes)));
    expect(new Set(results.map((r) => r?.path)).size).toBe(1);
    const target = results[0]?.path ?? "";
    expect(readdirSync(path.dirname(target))).toEqual([path.basename(target)]);
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
    expect(mode(target)).toBe(0o600);
  });
});

describe("leftovers of a killed docsort", () => {
  it("are removed at start: registered .docsort-*.tmp copies and unfinished blobs, nothing else", async () => {
    const store = Store.open(home);
    try {
      const dead = spawnSync(process.execPath, ["-e", "0"]).pid ?? 999_999;
      const folder = path.join(dir.path, "filed");
      const blobs = new BlobStore(path.join(home, "blobs"));
      await blobs.put(new TextEncoder().encode("x")); // creates blobs/tmp
      const leftover = path.join(folder, `.docsort-${dead}-0123456789ab.tmp`);
      const unrelated = path.join(folder, ".docsort-1-0123456789ab.tmp");
      const userFile = path.join(folder, "keep.pdf");
      const halfBlob = path.join(home, "blobs", "tmp", `${dead}-00aa11bb22cc33dd`);
      rmSync(folder, { recursive: true, force: true });
      spawnSync("mkdir", ["-p", folder]);
      for (const file of [leftover, unrelated, userFile, halfBlob]) writeFileSync(file, "partial");
      chmodSync(folder, 0o755);
      store.scratch.register(leftover, dead, new Date().toISOString());
      store.scratch.register(userFile, dead, new Date().toISOString()); // not a scratch name: never removed

      expect(await removeLeftovers(store, blobs, silentLogger)).toBe(2);
      expect(existsSync(leftover)).toBe(false);
      expect(existsSync(halfBlob)).toBe(false);
      expect(existsSync(unrelated)).toBe(true);
      expect(existsSync(userFile)).toBe(true);
      expect(store.scratch.all()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

import { renameSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { startWalCheckpoints } from "../../src/store/wal-checkpoints.js";
import { runScript } from "../support/run-script.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function database(): { db: Db; file: string } {
  const dir = tempDir();
  const file = path.join(dir.path, "docsort.db");
  const db = openDatabase(file, { migrations: [] });
  cleanups.push(() => {
    db.close();
    dir.cleanup();
  });
  db.exec("CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB)");
  return { db, file };
}

function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  return { logger, lines };
}

/** ~4,000 pages of 4 KiB in 40 commits, none of which checkpoints once the daemon's connection stopped doing so. */
function writePages(db: Db): void {
  const insert = db.prepare("INSERT INTO pages (body) VALUES (randomblob(4000))");
  for (let commit = 0; commit < 40; commit += 1)
    db.transaction(() => {
      for (let i = 0; i < 100; i += 1) insert.run();
    })();
}

const autocheckpoint = (db: Db) => db.pragma("wal_autocheckpoint", { simple: true });

describe("startWalCheckpoints", () => {
  it("the thread copies the write-ahead log into the database file while the daemon's commits do not", async () => {
    const { db, file } = database();
    const { logger, lines } = warnings();
    const checkpoints = startWalCheckpoints(db, logger, 50);
    try {
      await until(
        () => autocheckpoint(db) === 0,
        "the daemon's connection to leave checkpoints to the thread",
      );
      const before = statSync(file).size;
      writePages(db);
      await until(() => statSync(file).size > before + 10_000_000, "the pages to reach the database file");
    } finally {
      await checkpoints.stop();
    }
    expect(autocheckpoint(db)).toBe(1000);
    expect(lines).toEqual([]);
  });

  it("under commits that keep coming, the log is started again from its beginning instead of growing", async () => {
    const { db, file } = database();
    const { logger, lines } = warnings();
    const restartFrames = 256;
    const checkpoints = startWalCheckpoints(db, logger, 20, restartFrames);
    const insert = db.prepare("INSERT INTO pages (body) VALUES (randomblob(4000))");
    const pages = 12_000;
    let largest = 0;
    try {
      await until(
        () => autocheckpoint(db) === 0,
        "the daemon's connection to leave checkpoints to the thread",
      );
      for (let written = 0; written < pages; written += 50) {
        db.transaction(() => {
          for (let i = 0; i < 50; i += 1) insert.run();
        })();
        largest = Math.max(largest, statSync(`${file}-wal`).size);
        // the daemon does its other work between commits: a millisecond here
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      await checkpoints.stop();
    }
    // 12,000 pages of 4 KiB went through the log (each round's PASSIVE checkpoint alone let it hold them all);
    // started again once over 256 frames, it never held half of them
    expect(largest).toBeLessThan((pages / 2) * 4096);
    // stopping empties the log: closing the database has nothing left to copy
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(lines).toEqual([]);
  });

  it("a thread that cannot open the database leaves checkpoints to the daemon's commits, and says so", async () => {
    const { db, file } = database();
    renameSync(file, `${file}.moved`);
    renameSync(`${file}-wal`, `${file}.moved-wal`);
    const { logger, lines } = warnings();
    const checkpoints = startWalCheckpoints(db, logger, 50);
    try {
      await until(() => lines.length > 0, "the warning");
      expect(lines[0]).toMatch(
        /^the checkpoint thread failed: SQLITE_CANTOPEN; the daemon checkpoints itself$/,
      );
      expect(autocheckpoint(db)).toBe(1000);
    } finally {
      await checkpoints.stop();
    }
    expect(autocheckpoint(db)).toBe(1000);
  });
});

it("the checkpoint thread never keeps a process alive that did not stop it", async () => {
  const { file } = database();
  const module = (name: string) => JSON.stringify(pathToFileURL(path.resolve(`src/store/${name}.ts`)).href);
  const run = await runScript(
    `const { openDatabase } = await import(${module("database")});
     const { startWalCheckpoints } = await import(${module("wal-checkpoints")});
     const db = openDatabase(${JSON.stringify(file)}, { migrations: [] });
     startWalCheckpoints(db, { debug() {}, info() {}, warn: console.log, error: console.log }, 50);
     const deadline = Date.now() + 30_000;
     while (db.pragma("wal_autocheckpoint", { simple: true }) !== 0 && Date.now() < deadline)
       await new Promise((resolve) => setTimeout(resolve, 50));
     console.log(db.pragma("wal_autocheckpoint", { simple: true }));`,
    60_000,
  );
  expect(run).toMatchObject({ code: 0, stdout: "0" });
});

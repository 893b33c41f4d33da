import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DocsortError } from "../errors.js";
import { type Db, openDatabase } from "./database.js";

/** Folders docsort creates hold every document's text and handler secrets: owner only. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const MARKER = "docsort.id";
const DATABASE_ID_KEY = "database_id";

const markerSchema = z.object({ databaseId: z.string().min(1), createdAt: z.string() });
type Marker = z.infer<typeof markerSchema>;

export function databasePath(home: string): string {
  return path.join(home, "docsort.db");
}

export function markerPath(home: string): string {
  return path.join(home, MARKER);
}

/** The data folder is missing its database although it once held one, or holds another one. */
export class DataFolderError extends DocsortError {
  constructor(message: string) {
    super(message, 1);
    this.name = "DataFolderError";
  }
}

/**
 * Opens the database of a data folder. A data folder remembers its database (the marker file `docsort.id` holds
 * the database's id, also stored inside it): if the database is gone — deleted, a wrong path, a disk that is not
 * mounted — docsort refuses to start instead of silently creating an empty one, which would forget every handler
 * and take every inbox file in again. `startOver` (docsort init --force) is the explicit way to begin anew.
 */
export function openDataFolder(home: string, options: { startOver?: boolean } = {}): Db {
  const file = databasePath(home);
  const marker = readMarker(home);
  const exists = existsSync(file);
  if (!exists && marker && !options.startOver) throw vanished(home, marker);
  mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!exists) {
    // the folder becomes a data folder now (it may have been made by hand, or hold the config file)
    makePrivate(home);
    createPrivateFile(file);
  }
  const db = openDatabase(file);
  try {
    const id = databaseId(db);
    if (marker && marker.databaseId !== id && !options.startOver) throw replaced(home, marker, id);
    if (!marker || marker.databaseId !== id)
      writeMarker(home, { databaseId: id, createdAt: new Date().toISOString() });
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * For commands that work on existing data only: throws DocsortError when `home` holds no database (a mistyped
 * --home is an error, never a new empty folder), or the vanished-database error when it once held one.
 */
export function requireData(home: string): void {
  if (existsSync(databasePath(home))) return;
  assertDatabaseNotVanished(home);
  throw new DocsortError(
    `no docsort data at ${home}: check --home (or DOCSORT_HOME and the folder you are in), or start docsort watch to create it.`,
  );
}

/** Throws when the data folder once held a database that is gone now (see openDataFolder). */
export function assertDatabaseNotVanished(home: string): void {
  const marker = readMarker(home);
  if (marker && !existsSync(databasePath(home))) throw vanished(home, marker);
}

/**
 * `docsort init --force` when the database is gone: the old marker is kept aside (renamed), so what happened stays
 * visible, and a write-ahead log left by the vanished database is removed (SQLite would apply it to the new one).
 */
export function retireMarker(home: string): string | undefined {
  const file = markerPath(home);
  if (!existsSync(file)) return undefined;
  if (!existsSync(databasePath(home))) {
    for (const suffix of ["-wal", "-shm"]) rmSync(`${databasePath(home)}${suffix}`, { force: true });
  }
  const aside = `${file}.replaced-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(file, aside);
  return aside;
}

export function readMarker(home: string): Marker | undefined {
  const file = markerPath(home);
  if (!existsSync(file)) return undefined;
  try {
    return markerSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new DataFolderError(
      `${file} is damaged (${(error as Error).message}): remove it only if ${databasePath(home)} is the right database`,
    );
  }
}

function databaseId(db: Db): string {
  const row = db
    .prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?")
    .get(DATABASE_ID_KEY);
  if (row) return row.value;
  // the global Web Crypto, loaded when first used: importing node:crypto costs every command its start-up.
  // Two commands opening a new database at once: the first id stored is the one both keep.
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)").run(
    DATABASE_ID_KEY,
    globalThis.crypto.randomUUID(),
  );
  return databaseId(db);
}

function writeMarker(home: string, marker: Marker): void {
  const file = markerPath(home);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(marker, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, file);
}

function makePrivate(dir: string): void {
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // not ours to change; doctor reports it
  }
}

/** SQLite gives the -wal and -shm files the mode of the database file: created owner-only, all three are. */
function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, "wx", PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

function vanished(home: string, marker: Marker): DataFolderError {
  return new DataFolderError(
    `${databasePath(home)} is gone, but this data folder held database ${marker.databaseId} (since ${marker.createdAt}). ` +
      "docsort does not start over on its own: every handler would be lost and every inbox file taken in again. " +
      'Restore docsort.db from a backup, check --home / DOCSORT_HOME, or run "docsort init --force" to start over.',
  );
}

function replaced(home: string, marker: Marker, id: string): DataFolderError {
  return new DataFolderError(
    `${databasePath(home)} is database ${id}, not ${marker.databaseId} that this data folder held. ` +
      'Put the right database back, or run "docsort init --force" to keep this one.',
  );
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DocsortError } from "../errors.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";
import { sqliteOptions } from "./sqlite-addon.js";

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  migrations?: readonly Migration[];
}

/** Opens (and creates) the database file, sets the pragmas docsort relies on and applies pending migrations. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let db: Db;
  try {
    db = new Database(file, sqliteOptions());
  } catch (error) {
    throw new DocsortError(`cannot open the database ${file}: ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  migrate(db, options.migrations ?? MIGRATIONS);
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DocsortError(
      `the database is at schema version ${current}, newer than this docsort knows (${latest}); upgrade docsort.`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}

import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";

const caches = new WeakMap<Db, Map<string, Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection and reused: better-sqlite3 has no statement cache of its own, and
 * preparing costs more than running a small statement. For fixed SQL on paths run for every document.
 */
export function prepared<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(
  db: Db,
  sql: string,
): Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement as Statement<P, R>;
}

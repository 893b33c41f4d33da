import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type Database from "better-sqlite3";

/**
 * better-sqlite3's options with its compiled addon named (`nativeBinding`, better-sqlite3's docs/api.md), when
 * `npm ci` built it where node-gyp puts it. Otherwise better-sqlite3 finds it itself through the `bindings`
 * package, which searches a dozen paths and reads a stack trace to do so: ~5 ms of every command's start.
 */
export function sqliteOptions(options: Database.Options = {}): Database.Options {
  return addon ? { ...options, nativeBinding: addon } : options;
}

const addon = ((): string | undefined => {
  try {
    const main = createRequire(import.meta.url).resolve("better-sqlite3");
    const file = path.join(path.dirname(main), "..", "build", "Release", "better_sqlite3.node");
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
})();

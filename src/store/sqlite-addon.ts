import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";

/**
 * better-sqlite3's options with its compiled addon named (`nativeBinding`, better-sqlite3's docs/api.md), when
 * `npm ci` built it where node-gyp puts it. Otherwise better-sqlite3 finds it itself through the `bindings`
 * package, which searches a dozen paths and reads a stack trace to do so: ~5 ms of every command's start.
 */
export function sqliteOptions(options: Database.Options = {}): Database.Options {
  return addon ? { ...options, nativeBinding: addon } : options;
}

const ADDON = path.join("better-sqlite3", "build", "Release", "better_sqlite3.node");

/**
 * The addon in the nearest node_modules folder above this file, as Node resolves `better-sqlite3` from here
 * (https://nodejs.org/docs/latest-v20.x/api/modules.html#loading-from-node_modules-folders) but with one `stat`
 * per folder instead of reading package.json files; Node's own resolution when there is none.
 */
const addon = ((): string | undefined => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules", ADDON);
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) break;
  }
  try {
    const main = createRequire(import.meta.url).resolve("better-sqlite3");
    const file = path.join(path.dirname(main), "..", "build", "Release", "better_sqlite3.node");
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
})();

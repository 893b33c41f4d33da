import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import type { StoreCommand } from "./command-path.js";
import type { runMain } from "./run-main.js";

/**
 * The commands that only read the store (src/cli/command-path.ts, storeCommandOf) run from one CommonJS file,
 * dist/store-bundle.cjs, compiled through V8's code cache (dist/store-bundle.COMMAND.v8cache, made by
 * `npm run build`): Node 20 has no compile cache for ES modules, and compiling zod, commander and docsort's store code was a third
 * of such a command's start-up. scripts/bundle.mjs builds the file as one function expression,
 * `(function (exports, require, module, __filename, __dirname) { … })`, the wrapper Node gives a CommonJS module.
 * V8 checks a cache against its own version, its flags and the source's length, and compiles the source when the
 * cache does not fit (another Node, `node --cpu-prof`): slower, never wrong.
 * Source: https://nodejs.org/docs/latest-v20.x/api/vm.html#new-vmscriptcode-options (cachedData,
 * createCachedData).
 */
export interface StoreBundle {
  runMain: typeof runMain;
  script: vm.Script;
  /** True when V8 refused the cache, undefined when there was none. */
  cacheRejected: boolean | undefined;
}

/**
 * The bundle in `dist`, and the code cache for `command`: one per command, holding the code that command runs
 * and no other (V8 reads a cache whole, so a smaller one is read sooner).
 */
export function storeBundleFiles(dist: string, command: StoreCommand): { source: string; cache: string } {
  return {
    source: path.join(dist, "store-bundle.cjs"),
    cache: path.join(dist, `store-bundle.${command}.v8cache`),
  };
}

/**
 * Compiles and runs the bundle at `file` with the code cache at `cacheFile` when there is one. Throws what
 * reading or compiling the bundle throws (a missing file: ENOENT).
 */
export function loadStoreBundle(file: string, cacheFile: string): StoreBundle {
  // esbuild writes ASCII only (its default `charset`): read as latin1, a copy instead of UTF-8 decoding
  const source = readFileSync(file, "latin1");
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(source, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const wrapper: unknown = script.runInThisContext();
  if (typeof wrapper !== "function") throw new Error(`${file} is not a function expression`);
  const module = { exports: {} as { runMain?: typeof runMain } };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  const main = module.exports.runMain;
  if (typeof main !== "function") throw new Error(`${file} exports no runMain`);
  return {
    runMain: main,
    script,
    cacheRejected: cachedData ? script.cachedDataRejected === true : undefined,
  };
}

/**
 * Writes V8's code for the bundle as it is now: every function compiled so far, so a cache written after running
 * the commands holds their code too, not only the top level (scripts/train-code-cache.ts).
 */
export function writeCodeCache(bundle: StoreBundle, cacheFile: string): number {
  const data = bundle.script.createCachedData();
  writeFileSync(cacheFile, data);
  return data.length;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

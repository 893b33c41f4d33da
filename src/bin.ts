#!/usr/bin/env node
import path from "node:path";
import { pathToFileURL } from "node:url";
import { storeCommandOf } from "./cli/command-path.js";
import { loadStoreBundle, storeBundleFiles } from "./cli/store-bundle.js";

/**
 * The `docsort` command (package.json "bin"), built by scripts/bundle.mjs into dist/docsort.cjs: a CommonJS file,
 * which Node starts ~10 ms sooner than an ES module. The commands that only read the store run from the store
 * bundle (src/cli/store-bundle.ts); every other command, and those too when the bundle is missing, from
 * dist/main.js.
 */
const argv = process.argv.slice(2);
const dist = __dirname;

async function main(): Promise<void> {
  const command = storeCommandOf(argv);
  if (command) {
    const files = storeBundleFiles(dist, command);
    const bundle = loadOrUndefined(files.source, files.cache);
    if (bundle) {
      process.exitCode = await bundle.runMain(argv);
      return;
    }
  }
  await import(pathToFileURL(path.join(dist, "main.js")).href);
}

function loadOrUndefined(source: string, cache: string): ReturnType<typeof loadStoreBundle> | undefined {
  try {
    return loadStoreBundle(source, cache);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

void main();

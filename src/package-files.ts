import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const self = fileURLToPath(import.meta.url);
/** True when docsort runs as TypeScript (vitest, tsx), false from the build in dist/. */
const runningTypeScript = /\.[cm]?ts$/.test(self);

function packageFolder(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * docsort's package folder (package.json, prompts/, dist/, src/). Found by looking upwards, because the build
 * bundles the CLI into dist/main.js and dist/chunks/ (scripts/bundle.mjs): a module cannot find docsort's files
 * relative to its own URL.
 */
export const PACKAGE_FOLDER = packageFolder(path.dirname(self));

/**
 * A module run as its own process (`fork`), by its path under src/ without extension ("extract/worker-process"):
 * dist/…/NAME.js from the build, or src/…/NAME.ts with tsx loaded first when docsort runs as TypeScript.
 */
export function processEntry(name: string): { filename: string; execArgv: string[] } {
  if (!runningTypeScript) return { filename: path.join(PACKAGE_FOLDER, "dist", `${name}.js`), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { filename: path.join(PACKAGE_FOLDER, "src", `${name}.ts`), execArgv: ["--import", tsx] };
}

/**
 * A module run as a worker thread (`new Worker(entry.source, { eval: entry.eval })`), by its path under src/ without
 * extension: dist/…/NAME.js from the build; as TypeScript, a small script that registers tsx's loader in the thread
 * and then imports src/…/NAME.ts (a thread does not take `--import` from its execArgv on Node 20).
 */
export function threadEntry(name: string): { source: string; eval: boolean } {
  if (!runningTypeScript) return { source: path.join(PACKAGE_FOLDER, "dist", `${name}.js`), eval: false };
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const module = JSON.stringify(pathToFileURL(path.join(PACKAGE_FOLDER, "src", `${name}.ts`)).href);
  return {
    source: `import(${api}).then((tsx) => { tsx.register(); return import(${module}); });`,
    eval: true,
  };
}

/**
 * Writes dist/store-bundle.COMMAND.v8cache, V8's code cache of the store bundle (src/cli/store-bundle.ts), one per
 * store-reading command: each is made in a process of its own, which runs its command on a small synthetic store
 * and then saves the code of every function compiled so far, so the cache holds that command's code and no other.
 * Run by `npm run build` after scripts/bundle.mjs, with plain `node --import tsx` (V8 refuses a cache made under
 * other V8 flags). The commands' output is kept back, and printed only when one fails.
 *
 * `train-code-cache.ts` builds the store and starts one process per command;
 * `train-code-cache.ts COMMAND HOME SHOW_ID` is such a process.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildStore } from "../bench/support/synthetic-store.js";
import { STORE_COMMANDS, type StoreCommand } from "../src/cli/command-path.js";
import { loadStoreBundle, storeBundleFiles, writeCodeCache } from "../src/cli/store-bundle.js";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));

/** What each command runs while its cache is trained: the ways it is used, table and JSON. */
function trainingRuns(command: StoreCommand, showId: number): string[][] {
  switch (command) {
    case "list":
      return [
        ["list", "--limit", "50"],
        ["list", "--status", "needs_review", "--json"],
      ];
    case "show":
      return [
        ["show", String(showId)],
        ["show", String(showId), "--json"],
      ];
    case "stats":
      return [["stats"], ["stats", "--json"]];
    case "invoices":
      return [
        ["invoices", "list"],
        ["invoices", "list", "--json"],
      ];
  }
}

async function trainOne(command: StoreCommand, root: string, showId: number): Promise<void> {
  const files = storeBundleFiles(dist, command);
  rmSync(files.cache, { force: true });
  const bundle = loadStoreBundle(files.source, files.cache);
  const global = ["--config", path.join(root, "docsort.config.json"), "--home", path.join(root, "home")];
  for (const run of trainingRuns(command, showId)) {
    process.exitCode = undefined;
    const code = await bundle.runMain([...global, "--inbox", path.join(root, "inbox"), ...run]);
    if (code !== 0) throw new Error(`docsort ${run.join(" ")} exited ${code}`);
  }
  process.exitCode = undefined;
  writeCodeCache(bundle, files.cache);
}

async function trainAll(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), "docsort-code-cache-"));
  try {
    writeFileSync(path.join(root, "docsort.config.json"), "{}\n");
    const { showId } = buildStore(path.join(root, "home"), 200);
    const self = fileURLToPath(import.meta.url);
    // one after the other: the first command to open the store records its id (data-folder.ts)
    for (const command of STORE_COMMANDS) {
      const child = spawn(process.execPath, [...process.execArgv, self, command, root, String(showId)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += String(chunk)));
      child.stderr.on("data", (chunk) => (output += String(chunk)));
      const [code] = (await once(child, "close")) as [number | null];
      if (code !== 0) throw new Error(`training the code cache of ${command} failed (exit ${code}):\n${output}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [command, root, showId] = process.argv.slice(2);
if (command === undefined) await trainAll();
else if ((STORE_COMMANDS as readonly string[]).includes(command) && root && showId)
  await trainOne(command as StoreCommand, root, Number(showId));
else throw new Error(`usage: train-code-cache.ts [${STORE_COMMANDS.join("|")} HOME SHOW_ID]`);

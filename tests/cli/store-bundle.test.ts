import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { STORE_COMMANDS, type StoreCommand, storeCommandOf } from "../../src/cli/command-path.js";
import { storeBundleFiles } from "../../src/cli/store-bundle.js";
import { runDocsort } from "../support/run-docsort.js";
import { runScript } from "../support/run-script.js";
import { tempDir } from "../support/temp-dir.js";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
const loader = JSON.stringify(path.join(dist, "cli", "store-bundle.js"));

/** Loads a store bundle in a process of its own (plain V8 flags, as `docsort` runs) and runs one command. */
function runBundle(source: string, cache: string, argv: string[]) {
  return runScript(
    `import { loadStoreBundle } from ${loader};
    const bundle = loadStoreBundle(${JSON.stringify(source)}, ${JSON.stringify(cache)});
    const code = await bundle.runMain(${JSON.stringify(argv)});
    console.log(JSON.stringify({ code, cacheRejected: bundle.cacheRejected ?? null }));`,
    60_000,
  );
}

function lastJson(stdout: string): { code: number; cacheRejected: boolean | null } {
  return JSON.parse(stdout.split("\n").at(-1) ?? "");
}

describe("the store bundle", () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it.each([
    [["list", "--json"], "list"],
    [["--config", "c.json", "show", "3"], "show"],
    [["stats", "--since", "2026-01-01"], "stats"],
    [["invoices", "list", "--all"], "invoices"],
    [["invoices", "approve", "3"], undefined],
    [["invoices"], undefined],
    [["list", "--help"], undefined],
    [["help", "list"], undefined],
    [["watch", "--once"], undefined],
    [["--version"], undefined],
  ])("runs %j from the store bundle, with the code cache of %s", (argv, expected) => {
    expect(storeCommandOf(argv)).toBe(expected);
  });

  /** A data folder made by `docsort init`, and the global options that point a command at it. */
  async function initialised(): Promise<string[]> {
    dir = tempDir();
    const env = {
      home: path.join(dir.path, "home"),
      inbox: path.join(dir.path, "inbox"),
      ollamaHost: "http://127.0.0.1:9",
      cwd: dir.path,
    };
    expect((await runDocsort(["init"], env)).code).toBe(0);
    return ["--home", env.home, "--inbox", env.inbox];
  }

  it("is built with a code cache per command that V8 takes, and holds only the store commands", async () => {
    const global = await initialised();
    // [argv, exit code, first line of stdout] on an empty store
    const runs: Record<StoreCommand, [string[], number, string | undefined]> = {
      list: [["list"], 0, "no documents"],
      show: [["show", "1"], 2, undefined],
      stats: [["stats"], 0, "documents"],
      invoices: [["invoices", "list"], 0, "no invoices"],
    };
    for (const command of STORE_COMMANDS) {
      const files = storeBundleFiles(dist, command);
      const [argv, code, output] = runs[command];
      const run = await runBundle(files.source, files.cache, [...global, ...argv]);
      if (output !== undefined) expect(run.stdout.split("\n")[0]).toContain(output);
      expect(lastJson(run.stdout)).toEqual({ code, cacheRejected: false });
    }
    // read as latin1 (src/cli/store-bundle.ts): one byte per character, so ASCII only
    expect(readFileSync(storeBundleFiles(dist, "list").source).every((byte) => byte < 0x80)).toBe(true);
    const files = storeBundleFiles(dist, "list");
    const watch = await runBundle(files.source, files.cache, [...global, "watch", "--once"]);
    expect(watch.stderr).toContain("internal: cli/commands/watch.js is not in the store bundle");
    expect(watch.code).toBe(1);
  });

  it("compiles the source when the cache is missing or does not fit, with the same result", async () => {
    const files = storeBundleFiles(dist, "list");
    const argv = [...(await initialised()), "list", "--json"];
    const cached = await runBundle(files.source, files.cache, argv);
    const missing = await runBundle(files.source, path.join(dir?.path ?? "", "none.v8cache"), argv);
    expect(lastJson(missing.stdout)).toEqual({ code: 0, cacheRejected: null });
    const wrong = path.join(dir?.path ?? "", "wrong.v8cache");
    writeFileSync(wrong, Buffer.alloc(4096, 7));
    const rejected = await runBundle(files.source, wrong, argv);
    expect(lastJson(rejected.stdout)).toEqual({ code: 0, cacheRejected: true });
    for (const run of [missing, rejected])
      expect(run.stdout.split("\n")[0]).toBe(cached.stdout.split("\n")[0]);
    expect(cached.stdout.split("\n")[0]).toBe("[]");
  });
});

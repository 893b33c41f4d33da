/**
 * Build step after `tsc` (`npm run build`), with esbuild (https://esbuild.github.io/api/#build):
 *
 * 1. LangChain.js (the packages behind dist/classify/langchain.js, docsort's one door to it) is bundled into that
 *    file, zod excepted: docsort's schemas and LangChain's must share one zod, whose registry holds descriptions.
 * 2. The CLI (dist/main.js and what it imports of docsort) is bundled into dist/main.js and dist/chunks/, with
 *    every dynamic `import()` its own chunk, so what a command does not need is still not loaded; the daemon's
 *    worker threads are entry points of the same bundle.
 *
 * 3. The commands that only read the store (list, show, stats, invoices list) are bundled again as one CommonJS
 *    function expression, dist/store-bundle.cjs, which src/cli/store-bundle.ts compiles through V8's code cache
 *    (trained here by scripts/train-code-cache.ts); dist/docsort.cjs, the `docsort` command, picks one of the two.
 *
 * Node's ES module loader spends most of docsort's start-up resolving and reading a few hundred small files:
 * LangChain loads in ~0.07 s bundled instead of ~0.5 s, and the daemon's first model call comes that much sooner
 * (`npm run bench -- latency-150-2`). The tsc output stays beside the bundle: the processes docsort forks
 * (extraction, page rendering) run from dist/ as compiled.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { builtinModules, createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Packages bundled with the CLI (plain JavaScript on the paths every command or the daemon takes, with what they
 * import). Every other package stays in node_modules: native addons (better-sqlite3, canvas), packages that start
 * workers or read files beside their code (pino, pdf.js, tesseract.js, libheif), and what only some commands load.
 * A package that imports zod must be bundled too, or it would see a second zod.
 */
const BUNDLED = new Set([
  "zod",
  "date-fns",
  "file-type",
  "commander",
  "ansi-escapes",
  "picocolors",
  "partial-json",
  "p-retry",
  "big.js",
  "currency-codes",
  "ibantools",
  "filenamify",
  "chardet",
  "iconv-lite",
  "string-width",
  "cli-truncate",
  // the review app: @hono/zod-openapi extends zod, so it must extend the bundle's zod, and share its hono
  "hono",
  "@hono/node-server",
  "@hono/zod-openapi",
]);
const builtins = new Set(builtinModules);
const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
/**
 * zod's error messages in 60-odd languages: every zod entry point re-exports them all (`z.locales`), a third of
 * the bundle's zod. docsort's messages are English and it never selects another locale, so only `en` is kept.
 */
const englishZod = {
  name: "english-zod",
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes("/node_modules/zod/")
        ? { path: path.join(path.dirname(args.importer), "../locales/en.js"), namespace: "english-zod" }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: "english-zod" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * commander loads node:child_process (with net, dgram and streams) at start only to spawn executable subcommands,
 * which docsort has none of: its `spawn` is loaded on first call instead, ~10 ms less for every command.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(builder) {
    builder.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes("/node_modules/commander/")
        ? { path: "child_process", namespace: "lazy-child-process" }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'export function spawn(...args) { return require("node:child_process").spawn(...args); }',
    }));
  },
};

/** Bare imports of docsort's own code: bundled when listed above, else left to node_modules. */
const chosenPackages = {
  name: "chosen-packages",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || builtins.has(packageOf(args.path))) return { external: true };
      if (args.importer.includes("/node_modules/")) return undefined;
      return BUNDLED.has(packageOf(args.path)) ? undefined : { external: true };
    });
  },
};

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const common = { bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning", minifyWhitespace: true, minifySyntax: true };

const door = `${dist}classify/langchain.js`;
await build({ ...common, entryPoints: [door], outfile: door, allowOverwrite: true, external: ["zod", "zod/*"] });
rmSync(`${door}.map`, { force: true });

/**
 * The daemon's worker threads (src/package-files.ts, threadEntry) are entry points of the same bundle: they share
 * its chunks, so the model-request thread loads the bundle's zod (English only) and LangChain in one file each,
 * not zod's 95 modules from node_modules; its first request is ready that much sooner.
 */
const THREADS = ["classify/chat-thread/chat-thread-worker", "store/wal-checkpoint-thread"];

rmSync(`${dist}chunks`, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [`${dist}main.js`, ...THREADS.map((name) => `${dist}${name}.js`)],
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [lazyChildProcess, chosenPackages, englishZod],
  // CommonJS packages in the bundle (iconv-lite, big.js) call require() for Node's own modules
  banner: { js: 'import { createRequire as __docsortRequire } from "node:module"; const require = __docsortRequire(import.meta.url);' },
});
for (const name of ["main", ...THREADS]) rmSync(`${dist}${name}.js.map`, { force: true });

/**
 * What the store bundle leaves out: each dynamic import() of docsort's code that a store-only command never runs
 * (the other commands, the App, invoices' approve/export paths) becomes a module that throws, so the file holds
 * the reading commands only. src/cli/command-path.ts (storeCommandOf) sends nothing else here.
 */
// the list bin.ts routes by, from tsc's output (this step runs after tsc)
const STORE_COMMANDS = new Set((await import(`${dist}cli/command-path.js`)).STORE_COMMANDS);
const storeCommandsOnly = {
  name: "store-commands-only",
  setup(builder) {
    builder.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const command = /^\.\/commands\/([a-z-]+)\.js$/.exec(args.path)?.[1];
      if (command !== undefined && STORE_COMMANDS.has(command)) return undefined;
      return { path: path.join(args.resolveDir, args.path), namespace: "not-in-store-bundle" };
    });
    builder.onLoad({ filter: /.*/, namespace: "not-in-store-bundle" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`internal: ${path.relative(dist, args.path)} is not in the store bundle`)});`,
    }));
  },
};
/**
 * better-sqlite3's JavaScript (a dozen small files, each resolved and read by Node's loader) goes into the store
 * bundle; its compiled addon stays in node_modules. docsort names the addon (src/store/sqlite-addon.ts); when it
 * cannot, better-sqlite3 asks the `bindings` package to find it, which looks beside the file that calls it: here
 * that would be dist/, so `bindings` is told where better-sqlite3 is.
 */
const sqliteInBundle = {
  name: "sqlite-in-bundle",
  setup(builder) {
    builder.onResolve({ filter: /^better-sqlite3$/ }, (args) => ({
      path: createRequire(args.importer).resolve("better-sqlite3"),
    }));
    builder.onResolve({ filter: /^bindings$/ }, (args) =>
      args.importer.includes("/node_modules/better-sqlite3/")
        ? { path: "bindings", namespace: "sqlite-bindings" }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: "sqlite-bindings" }, () => ({
      contents: `const path = require("node:path");
module.exports = (name) =>
  require("bindings")({ bindings: name, module_root: path.dirname(require.resolve("better-sqlite3/package.json")) });`,
      loader: "js",
    }));
  },
};
/**
 * zod's `fromJSONSchema` (JSON Schema → zod) spreads zod's namespaces into an object of its own when loaded: ~0.1 MB
 * allocated at every start of a reading command, which never calls it. In the store bundle it throws instead.
 */
const noFromJsonSchema = {
  name: "no-from-json-schema",
  setup(builder) {
    builder.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (args) =>
      args.importer.includes("/node_modules/zod/") ? { path: args.path, namespace: "no-from-json-schema" } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: "no-from-json-schema" }, () => ({
      contents: 'export function fromJSONSchema() { throw new Error("internal: zod\'s fromJSONSchema is not in the store bundle"); }',
    }));
  },
};
const storeBundle = `${dist}store-bundle.cjs`;
await build({
  ...common,
  entryPoints: [`${dist}cli/run-main.js`],
  outfile: storeBundle,
  format: "cjs",
  minifyWhitespace: true,
  plugins: [storeCommandsOnly, sqliteInBundle, noFromJsonSchema, lazyChildProcess, chosenPackages, englishZod],
  define: { "import.meta.url": "__docsortUrl", "import.meta.resolve": "__docsortResolve" },
  banner: {
    js: `(function (exports, require, module, __filename, __dirname) {const __docsortUrl = require("node:url").pathToFileURL(__filename).href; const __docsortResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;`,
  },
  footer: { js: "\n})" },
});
await build({ ...common, entryPoints: [`${dist}bin.js`], outfile: `${dist}docsort.cjs`, format: "cjs", plugins: [chosenPackages] });
for (const name of ["bin.js", "bin.js.map"]) rmSync(`${dist}${name}`, { force: true });

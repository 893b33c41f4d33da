// Installs the engine of the real-engine test tier (node-llama-cpp) into this folder, apart from the app, from its
// own package-lock.json and with --omit=optional, so that node-llama-cpp's CUDA and Vulkan builds (about 650 MB)
// stay out while the app's own optional platform packages (biome, esbuild, @napi-rs/canvas, typescript) are
// untouched. The CPU build for linux-x64 is a plain dependency here, so --omit=optional keeps it.
// Run by the root package's postinstall and by `npm run engine:install` (add --force to reinstall).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const say = (message) => console.log(`docsort real-engine tier: ${message}`);

const readVersion = (file) => {
  try {
    return JSON.parse(readFileSync(file, "utf8")).version;
  } catch {
    return undefined;
  }
};

if (process.platform !== "linux" || process.arch !== "x64") {
  say(
    `the engine is pinned for linux-x64 only; not installed on ${process.platform}-${process.arch} (its tests will be skipped)`,
  );
  process.exit(0);
}
if ((process.env.npm_config_omit ?? "").split(/[\s,]+/).includes("dev")) {
  say("not installed in a production install (--omit=dev)");
  process.exit(0);
}

const lock = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8"));
const wanted = lock.packages["node_modules/node-llama-cpp"].version;
const installed = readVersion(path.join(dir, "node_modules", "node-llama-cpp", "package.json"));
const binaries = existsSync(path.join(dir, "node_modules", "@node-llama-cpp", "linux-x64"));
if (installed === wanted && binaries && !process.argv.includes("--force")) {
  say(`node-llama-cpp ${wanted} is installed`);
  process.exit(0);
}

// Settings of the npm run that called us (omit, include, prefix, …) must not reach this separate install.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^npm_config_(omit|include|only|production|global|prefix)$/i.test(key),
  ),
);
say(`installing node-llama-cpp ${wanted} (CPU build) into ${path.relative(process.cwd(), dir) || "."}`);
execFileSync("npm", ["ci", "--omit=optional", "--no-audit", "--no-fund"], {
  cwd: dir,
  env,
  stdio: "inherit",
});

/**
 * npm run bench: every scenario of issue 11 against a loopback Ollama emulator (bench/emulator), side by side
 * with the naive script (bench/naive-baseline.ts) in the same run. Prints each figure, the baseline's figure, the
 * ratio, the target and PASS/FAIL; writes bench/results/latest.json. Exit code 1 when a target is missed.
 *
 *   npm run bench                       every scenario
 *   npm run bench -- overhead burst     only these (names below)
 *   BENCH_SCALE=0.25 npm run bench      smaller document counts (a quick look; figures are not comparable)
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { DOCSORT_BIN } from "../tests/support/run-docsort.js";
import { burst } from "./scenarios/burst.js";
import type { ScenarioContext } from "./scenarios/common.js";
import { deflateBomb } from "./scenarios/deflate-bomb.js";
import { largeStore } from "./scenarios/large-store.js";
import { modelBound } from "./scenarios/model-bound.js";
import { ocrMix } from "./scenarios/ocr-mix.js";
import { overhead } from "./scenarios/overhead.js";
import { startupAndTraining } from "./scenarios/startup-and-training.js";
import { tokenEconomy } from "./scenarios/token-economy.js";
import { twoHosts } from "./scenarios/two-hosts.js";
import { buildNaive } from "./support/harness.js";
import { Report } from "./support/report.js";

const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<void>> = {
  startup: startupAndTraining,
  "latency-150-2": (ctx) => modelBound(ctx, 150, 2, true),
  "latency-100-4": (ctx) => modelBound(ctx, 100, 4, false),
  "ocr-mix": ocrMix,
  overhead,
  tokens: tokenEconomy,
  "two-hosts": twoHosts,
  burst,
  store: largeStore,
  "deflate-bomb": deflateBomb,
};

if (!existsSync(DOCSORT_BIN)) throw new Error("dist/docsort.cjs is missing: run npm run build first");
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0)
  throw new Error(`unknown scenario(s) ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);
const scale = Number(process.env.BENCH_SCALE ?? "1");
const report = new Report();
const ctx: ScenarioContext = { report, scale };

console.log(
  `docsort bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? "unknown CPU"}), load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
buildNaive();
const started = Date.now();
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const at = Date.now();
  console.log(`\n${name}`);
  try {
    await scenario(ctx);
  } catch (error) {
    report.add({
      scenario: name,
      figure: "scenario ran",
      unit: "",
      docsort: null,
      baseline: null,
      baselineOf: "",
      verdict: "FAIL",
      note: error instanceof Error ? error.message.split("\n")[0] : String(error),
    });
    console.error(error);
  }
  console.log(`  (${((Date.now() - at) / 1000).toFixed(1)} s)`);
}
console.log(`\n${report.table()}`);
const results = fileURLToPath(new URL("results/latest.json", import.meta.url));
report.write(results);
const failed = report.failed.length;
console.log(
  `\n${report.rows.length} figures in ${((Date.now() - started) / 1000).toFixed(0)} s; ${failed === 0 ? "all targets met" : `${failed} target(s) missed`}; written to bench/results/latest.json`,
);
process.exitCode = failed === 0 ? 0 : 1;

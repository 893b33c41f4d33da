import { createRequire } from "node:module";
import path from "node:path";
import { DOCSORT_BIN } from "../../tests/support/run-docsort.js";
import { docsortSetup, median, scratch } from "../support/harness.js";
import { runMeasured } from "../support/processes.js";
import { atMost } from "../support/report.js";
import { buildStore } from "../support/synthetic-store.js";
import { type ScenarioContext, scaled } from "./common.js";

const RUNS = 5;
const SLOW_MS = 3000;
const TIMEOUT_MS = 20_000;
const require = createRequire(import.meta.url);
/**
 * Reading commands on a store of 100,000 documents, each as a whole process (start-up included), median of 5.
 * Baseline: the floor of any such command, `node` opening the database with better-sqlite3 and reading 50 rows.
 */
export async function largeStore(ctx: ScenarioContext) {
  const scenario = "store of 100k docs";
  const count = scaled(ctx, 100_000);
  const dir = scratch("store");
  try {
    const setup = docsortSetup(dir.root, "http://127.0.0.1:9", {});
    const built = Date.now();
    const { showId } = buildStore(setup.home, count);
    console.log(`  store of ${count} documents built in ${((Date.now() - built) / 1000).toFixed(1)} s`);
    const timed = async (args: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        const run = await runMeasured(process.execPath, args, {
          env: setup.env,
          cwd: setup.home,
          timeoutMs: TIMEOUT_MS,
        });
        if (run.signal !== null) return { ms: run.ms, note: `killed after ${TIMEOUT_MS / 1000} s` };
        if (run.code !== 0)
          return { ms: null, note: `failed: ${run.stderr.trim().split("\n")[0] || `exit ${run.code}`}` };
        times.push(run.ms);
        // far over the target: one run says enough, and five would cost minutes
        if (run.ms > SLOW_MS) return { ms: run.ms, note: "1 run: too slow to repeat" };
      }
      return { ms: median(times), note: undefined };
    };
    const floorScript = `const D=require(${JSON.stringify(require.resolve("better-sqlite3"))});const d=new D(${JSON.stringify(path.join(setup.home, "docsort.db"))},{readonly:true});console.log(d.prepare("SELECT * FROM documents ORDER BY id DESC LIMIT 50").all().length)`;
    const floor = await timed(["-e", floorScript]);
    const commands: [string, string[]][] = [
      ["list --limit 50", ["list", "--limit", "50"]],
      ["list --status needs_review", ["list", "--status", "needs_review"]],
      [`show ${showId}`, ["show", String(showId)]],
      ["invoices list", ["invoices", "list"]],
      ["stats", ["stats"]],
    ];
    for (const [name, args] of commands) {
      const result = await timed([DOCSORT_BIN, "--config", setup.configFile, ...args]);
      ctx.report.add({
        scenario,
        figure: `docsort ${name} (whole process, median of ${RUNS})`,
        unit: "ms",
        docsort: result.ms,
        baseline: floor.ms,
        baselineOf: "floor",
        check: atMost(result.ms, 150),
        ...(result.note ? { note: result.note } : {}),
      });
    }
  } finally {
    dir.cleanup();
  }
}

import { copyFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { cachedDeflateBombPdf } from "../../tests/support/pdf-builder.js";
import { docsortSetup, readDocsort, runDocsortOnce, scratch } from "../support/harness.js";
import { killGroup, startMeasured, treeRssKb } from "../support/processes.js";
import { atMost } from "../support/report.js";
import { writeSyntheticDocuments } from "../support/synthetic-documents.js";
import { latencyServer, type ScenarioContext } from "./common.js";

const STREAM_BYTES = 1536 * 1024 * 1024;
/** extract.maxMemoryMb's default: what docsort is held to, its extraction processes included. */
const LIMIT_MB = 1536;
/** The baseline is stopped once it is this far past the limit (it would go on), or after this long. */
const NAIVE_STOP_MB = 2 * LIMIT_MB;
const NAIVE_STOP_MS = 30_000;

/**
 * A 1.5 MB PDF whose content stream inflates to 1.5 GiB, with 3 text documents beside it, read by `watch --once`
 * at the default extract.maxMemoryMb: peak resident memory of docsort's whole process tree (the daemon and its
 * extraction processes) against the limit. Baseline: the same extraction in the process that asked for it, as a
 * naive program would run it (docsort's own extractFile, no separate process, no watchdog), stopped once it is
 * twice over the limit or after 30 s.
 */
export async function deflateBomb(ctx: ScenarioContext) {
  const scenario = "deflate bomb";
  const bomb = await cachedDeflateBombPdf(STREAM_BYTES);
  const dir = scratch("bomb");
  const server = await latencyServer(0, 1);
  try {
    const setup = docsortSetup(dir.root, server.url, { extract: { maxMemoryMb: LIMIT_MB } });
    copyFileSync(bomb, path.join(setup.inbox, "bomb.pdf"));
    writeSyntheticDocuments(setup.inbox, 3, { ageMs: 60_000 });
    const run = await runDocsortOnce(setup);
    if (run.code !== 0) throw new Error(`docsort failed: ${run.stderr.slice(-2000)}`);
    const { documents } = readDocsort(setup.home);
    const stopped = documents.find((d) => d.name === "bomb.pdf");
    const others = documents.filter((d) => d.name !== "bomb.pdf" && d.status === "done").length;
    const naive = await naiveExtraction(path.join(setup.inbox, "bomb.pdf"));
    ctx.report.add({
      scenario,
      figure: "peak RSS, docsort with its extraction processes (1.5 GiB stream)",
      unit: "MB",
      docsort: run.peakRssMb,
      baseline: naive.peakMb,
      baselineOf: naive.stopped ? "in-process, stopped" : "in-process",
      check: atMost(run.peakRssMb, LIMIT_MB, `≤ ${LIMIT_MB} (extract.maxMemoryMb)`),
      note: `bomb ${stopped?.status ?? "missing"}, ${others} of 3 text docs done`,
    });
  } finally {
    await server.close();
    dir.cleanup();
  }
}

async function naiveExtraction(file: string): Promise<{ peakMb: number; stopped: boolean }> {
  const dist = (p: string) => pathToFileURL(path.resolve(`dist/${p}`)).href;
  const script = `const { extractFile } = await import(${JSON.stringify(dist("extract/extract-file.js"))});
    const { configFileSchema } = await import(${JSON.stringify(dist("config/schema.js"))});
    await extractFile({ path: ${JSON.stringify(file)}, name: "bomb.pdf" }, configFileSchema.parse({}).extract).catch(() => {});`;
  const naive = startMeasured(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH },
  });
  let peakKb = 0;
  let stopped = false;
  const watch = setInterval(() => {
    peakKb = Math.max(peakKb, treeRssKb(naive.child.pid));
    if (peakKb / 1024 > NAIVE_STOP_MB) {
      stopped = true;
      killGroup(naive.child);
    }
  }, 25);
  const timer = setTimeout(() => {
    stopped = true;
    killGroup(naive.child);
  }, NAIVE_STOP_MS);
  const exit = await naive.exited;
  clearInterval(watch);
  clearTimeout(timer);
  return { peakMb: Math.max(peakKb / 1024, exit.peakRssMb), stopped };
}

import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { epochNow } from "../emulator/ollama-emulator.js";
import {
  docsortSetup,
  FINAL,
  percentile,
  readDocsort,
  runDocsortOnce,
  runNaive,
  scratch,
  startDaemon,
  waitUntilWatching,
} from "../support/harness.js";
import { killGroup, waitFor } from "../support/processes.js";
import { atLeast, atMost } from "../support/report.js";
import { syntheticDocument, writeSyntheticDocuments } from "../support/synthetic-documents.js";
import { latencyServer, type ScenarioContext, scaled, TAXONOMY } from "./common.js";

const PARALLEL = 4;
const STABLE_MS = 1000;
const WARM_UP = 5;
/** 10 documents a second: far below any throughput docsort reaches, so no queue forms. */
const DROP_EVERY_MS = 100;
const WARM_UP_FIRST = 20_000;

async function finalResults(home: string, count: number) {
  let results = readDocsort(home);
  await waitFor(
    () => {
      results = readDocsort(home);
      return results.documents.filter((d) => FINAL.has(d.status)).length >= count;
    },
    `${count} dropped documents to be final`,
    120_000,
    100,
  );
  return results;
}

/**
 * docsort's own cost: an instant server (no latency, free tokens, 4 slots), 1,000 small text documents waiting at
 * start; documents per second from start to exit, for docsort and the naive script (4 workers each). Then the
 * added latency per document: files dropped one at a time into a running daemon, each measured from the moment
 * it was written to its final state, minus the stability wait.
 */
export async function overhead(ctx: ScenarioContext) {
  const scenario = "instant server";
  const count = scaled(ctx, 1000);
  const dir = scratch("overhead");
  try {
    const server = await latencyServer(0, PARALLEL);
    const setup = docsortSetup(dir.root, server.url, { model: { parallel: PARALLEL } });
    writeSyntheticDocuments(setup.inbox, count, { ageMs: 60_000, lines: 4 });
    const naiveInbox = path.join(dir.root, "naive-inbox");
    cpSync(setup.inbox, naiveInbox, { recursive: true, preserveTimestamps: true });

    const run = await runDocsortOnce(setup);
    if (run.code !== 0) throw new Error(`docsort failed: ${run.stderr.slice(-2000)}`);
    const naive = await runNaive(dir.root, naiveInbox, [server.url], PARALLEL, TAXONOMY);
    await server.close();
    const rate = (count / run.ms) * 1000;
    const naiveRate = (count / naive.ms) * 1000;
    ctx.report.add({
      scenario,
      figure: `throughput, ${count} small text docs, start to exit`,
      unit: "docs/s",
      docsort: rate,
      baseline: naiveRate,
      baselineOf: "naive",
      check: atLeast(rate, 150),
    });
    ctx.report.add({
      scenario,
      figure: "peak RSS of that run",
      unit: "MB",
      docsort: run.peakRssMb,
      baseline: naive.peakRssMb,
      baselineOf: "naive",
    });
    const naivePerDoc = naive.rows.map((r) => r.finished_ms - r.started_ms);
    await addedLatency(ctx, scenario, dir.root, percentile(naivePerDoc, 95));
  } finally {
    dir.cleanup();
  }
}

async function addedLatency(ctx: ScenarioContext, scenario: string, root: string, naiveP95: number | null) {
  const count = scaled(ctx, 100);
  const server = await latencyServer(0, PARALLEL);
  const setup = docsortSetup(path.join(root, "trickle"), server.url, {
    model: { parallel: PARALLEL },
    intake: { stableMs: STABLE_MS },
  });
  const daemon = startDaemon(setup);
  try {
    await waitUntilWatching(setup.home, daemon);
    const dropped = async (first: number, n: number) => {
      const written = new Map<string, number>();
      for (let i = 0; i < n; i += 1) {
        const doc = syntheticDocument(first + i, 4);
        writeFileSync(path.join(setup.inbox, doc.name), doc.text);
        written.set(doc.name, epochNow());
        await new Promise((resolve) => setTimeout(resolve, DROP_EVERY_MS));
      }
      const results = await finalResults(setup.home, written.size + (first === WARM_UP_FIRST ? 0 : WARM_UP));
      const finalAt = new Map<number, number>();
      for (const event of results.events) finalAt.set(event.document_id, event.at);
      return results.documents.flatMap((d) => {
        const at = written.get(d.name);
        const end = finalAt.get(d.id);
        return at === undefined || end === undefined ? [] : [end - at - STABLE_MS];
      });
    };
    // The first documents pay for cold starts (extraction workers, the model client): measured apart.
    const cold = await dropped(WARM_UP_FIRST, WARM_UP);
    const added = await dropped(WARM_UP_FIRST + WARM_UP, count);
    const p95 = percentile(added, 95);
    ctx.report.add({
      scenario,
      figure: `added latency per doc, p95 (${count} dropped one by one into a warm daemon, stability wait excluded)`,
      unit: "ms",
      docsort: p95,
      baseline: naiveP95,
      baselineOf: "naive",
      check: atMost(p95, 25),
      note: `p50 ${percentile(added, 50)?.toFixed(0)} ms`,
    });
    ctx.report.add({
      scenario,
      figure: "added latency of the first document after start (cold)",
      unit: "ms",
      docsort: cold[0] ?? null,
      baseline: null,
      baselineOf: "",
    });
  } finally {
    killGroup(daemon.child, "SIGTERM");
    await daemon.exited;
    await server.close();
  }
}

import { cpSync } from "node:fs";
import path from "node:path";
import { docsortSetup, readDocsort, runDocsortOnce, runNaive, scratch } from "../support/harness.js";
import { atLeast, atMost } from "../support/report.js";
import { writeSyntheticDocuments } from "../support/synthetic-documents.js";
import {
  arrivalWindow,
  firstAnswerAt,
  latencyServer,
  naiveRight,
  occupancy,
  rightlyClassified,
  type ScenarioContext,
  scaled,
  TAXONOMY,
} from "./common.js";

/**
 * 400 text documents already waiting (mtime a minute old) when `watch --once` starts, against a server of P slots
 * answering in L ms (tokens free, so utilisation = throughput / (P/L)). The naive script runs on a copy.
 */
export async function modelBound(
  ctx: ScenarioContext,
  latencyMs: number,
  parallel: number,
  withFirstCall: boolean,
) {
  const scenario = `L=${latencyMs} P=${parallel}`;
  const count = scaled(ctx, 400);
  const dir = scratch(`bound-${latencyMs}-${parallel}`);
  try {
    const docsortServer = await latencyServer(latencyMs, parallel);
    const setup = docsortSetup(dir.root, docsortServer.url, { model: { parallel } });
    writeSyntheticDocuments(setup.inbox, count, { ageMs: 60_000 });
    const naiveInbox = path.join(dir.root, "naive-inbox");
    cpSync(setup.inbox, naiveInbox, { recursive: true, preserveTimestamps: true });

    const run = await runDocsortOnce(setup);
    await docsortServer.close();
    if (run.code !== 0) throw new Error(`docsort failed: ${run.stderr.slice(-2000)}`);
    const results = readDocsort(setup.home);

    const naiveServer = await latencyServer(latencyMs, parallel);
    const naive = await runNaive(dir.root, naiveInbox, [naiveServer.url], parallel, TAXONOMY);
    const naiveStart = naive.exitedAt - naive.ms;
    await naiveServer.close();

    if (withFirstCall) {
      const first = firstAnswerAt(docsortServer);
      const naiveFirst = firstAnswerAt(naiveServer);
      const value = first === undefined ? null : (first - (run.exitedAt - run.ms)) / 1000;
      ctx.report.add({
        scenario,
        figure: `first model answer after start, ${count} files waiting`,
        unit: "s",
        docsort: value,
        baseline: naiveFirst === undefined ? null : (naiveFirst - naiveStart) / 1000,
        baselineOf: "naive",
        check: atMost(value, 0.5 + latencyMs / 1000, `≤ 0.5 s + L`),
      });
    }
    const window = arrivalWindow(docsortServer);
    const naiveWindow = arrivalWindow(naiveServer);
    const steady = window ? occupancy(docsortServer, window.first, window.last) : null;
    ctx.report.add({
      scenario,
      figure: "steady-state utilisation while queued (of P/L)",
      unit: "",
      docsort: steady,
      baseline: naiveWindow ? occupancy(naiveServer, naiveWindow.first, naiveWindow.last) : null,
      baselineOf: "naive",
      check: atLeast(steady, 0.95),
    });
    const endToEnd = occupancy(docsortServer, run.exitedAt - run.ms, run.exitedAt);
    const naiveEndToEnd = occupancy(naiveServer, naiveStart, naive.exitedAt);
    ctx.report.add({
      scenario,
      figure: `end-to-end utilisation, start to exit (${count} docs)`,
      unit: "",
      docsort: endToEnd,
      baseline: naiveEndToEnd,
      baselineOf: "naive",
      check: atLeast(endToEnd, naiveEndToEnd ?? Number.POSITIVE_INFINITY, "≥ naive"),
      note: `${(run.ms / 1000).toFixed(1)} s vs ${(naive.ms / 1000).toFixed(1)} s`,
    });
    ctx.report.add({
      scenario,
      figure: "documents final with the right category",
      unit: `of ${count}`,
      docsort: rightlyClassified(results.documents),
      baseline: naiveRight(naive.rows),
      baselineOf: "naive",
      check: atLeast(rightlyClassified(results.documents), count, `= ${count}`),
    });
  } finally {
    dir.cleanup();
  }
}

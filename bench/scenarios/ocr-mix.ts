import { cpSync } from "node:fs";
import path from "node:path";
import { docsortSetup, readDocsort, runDocsortOnce, runNaive, scratch } from "../support/harness.js";
import { atLeast } from "../support/report.js";
import { writeScans } from "../support/scans.js";
import { writeSyntheticDocuments } from "../support/synthetic-documents.js";
import { latencyServer, occupancy, type ScenarioContext, scaled, TAXONOMY } from "./common.js";

const LATENCY_MS = 150;
const PARALLEL = 2;

/**
 * Text documents and scans (PNG pages that need OCR) waiting together, L=150 P=2. While text documents are still
 * waiting, a model slot should never idle because extraction is busy with scans: the utilisation from the first
 * model call until the last text document was classified should be that of text alone. The naive script reads
 * only the text files, so its figure is what text without scans gets.
 */
export async function ocrMix(ctx: ScenarioContext) {
  const scenario = `text+OCR L=${LATENCY_MS} P=${PARALLEL}`;
  const texts = scaled(ctx, 200);
  const scans = scaled(ctx, 10);
  const dir = scratch("ocr-mix");
  try {
    const server = await latencyServer(LATENCY_MS, PARALLEL);
    const setup = docsortSetup(dir.root, server.url, { model: { parallel: PARALLEL } });
    // scans first in name order: the worst case for a first-come-first-served extraction queue
    writeScans(setup.inbox, scans, { ageMs: 60_000 });
    writeSyntheticDocuments(setup.inbox, texts, { ageMs: 60_000 });
    const naiveInbox = path.join(dir.root, "naive-inbox");
    cpSync(setup.inbox, naiveInbox, { recursive: true, preserveTimestamps: true });

    const run = await runDocsortOnce(setup);
    await server.close();
    if (run.code !== 0) throw new Error(`docsort failed: ${run.stderr.slice(-2000)}`);
    const { documents, events } = readDocsort(setup.home);
    const textIds = new Set(documents.filter((d) => d.name.endsWith(".txt")).map((d) => d.id));
    const classifiedAt = events
      .filter((e) => e.type === "classified" && textIds.has(e.document_id))
      .map((e) => e.at);
    const firstCall = Math.min(...server.calls.map((c) => c.arrivedAt));
    const lastText = Math.max(...classifiedAt);
    const value = classifiedAt.length > 0 ? occupancy(server, firstCall, lastText) : null;

    const naiveServer = await latencyServer(LATENCY_MS, PARALLEL);
    const naive = await runNaive(dir.root, naiveInbox, [naiveServer.url], PARALLEL, TAXONOMY);
    await naiveServer.close();
    const naiveFirst = Math.min(...naiveServer.calls.map((c) => c.arrivedAt));
    const naiveLast = Math.max(...naive.rows.map((r) => r.finished_ms));
    const naiveValue = occupancy(naiveServer, naiveFirst, naiveLast);
    ctx.report.add({
      scenario,
      figure: `utilisation until the last of ${texts} text docs is classified (${scans} scans waiting too)`,
      unit: "",
      docsort: value,
      baseline: naiveValue,
      baselineOf: "naive (text only)",
      check: atLeast(value, 0.95),
    });
    const ocr = documents.filter((d) => d.name.endsWith(".png"));
    ctx.report.add({
      scenario,
      figure: "whole run, start to exit (all text docs and scans final)",
      unit: "s",
      docsort: run.ms / 1000,
      baseline: null,
      baselineOf: "",
      note: `${ocr.filter((d) => d.category !== null).length}/${ocr.length} scans classified; ideal model time ${(((texts + scans) * LATENCY_MS) / PARALLEL / 1000).toFixed(1)} s`,
    });
  } finally {
    dir.cleanup();
  }
}

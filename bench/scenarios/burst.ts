import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { epochNow } from "../emulator/ollama-emulator.js";
import {
  docsortSetup,
  type EventRow,
  FINAL,
  readDocsort,
  scratch,
  startDaemon,
  waitUntilWatching,
} from "../support/harness.js";
import { killGroup, waitFor } from "../support/processes.js";
import { atMost } from "../support/report.js";
import { writeSyntheticDocuments } from "../support/synthetic-documents.js";
import { latencyServer, type ScenarioContext, scaled } from "./common.js";

const LATENCY_MS = 20;
const PARALLEL = 2;

function countFinal(home: string): number {
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  try {
    const statuses = [...FINAL].map((s) => `'${s}'`).join(", ");
    return (
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM documents WHERE status IN (${statuses})`).get()
        ?.n ?? 0
    );
  } finally {
    db.close();
  }
}

/** When documents became final: the epoch ms of each event that moved one into a final state. */
function finalAt(events: readonly EventRow[]): number[] {
  return events.filter((e) => e.toStatus !== null && FINAL.has(e.toStatus)).map((e) => e.at);
}

/**
 * 5,000 small text files written at once into the inbox of a running daemon (L=20 P=2, so the model-bound ideal
 * is 5,000 × 20 ms / 2 = 50 s). Every file must end final exactly once; peak RSS of the daemon and the drain time
 * (first file written → last document final) against that ideal.
 */
export async function burst(ctx: ScenarioContext) {
  const scenario = "burst while watching";
  const count = scaled(ctx, 5000);
  const ideal = (count * LATENCY_MS) / PARALLEL / 1000;
  const dir = scratch("burst");
  const server = await latencyServer(LATENCY_MS, PARALLEL);
  const setup = docsortSetup(dir.root, server.url, { model: { parallel: PARALLEL } });
  const daemon = startDaemon(setup);
  try {
    await waitUntilWatching(setup.home, daemon);
    const writtenAt = epochNow();
    const docs = writeSyntheticDocuments(setup.inbox, count, { lines: 4 });
    await waitFor(() => countFinal(setup.home) >= count, `${count} documents final`, 15 * ideal * 1000, 500);
    // a little longer, so a document processed twice would show
    await new Promise((resolve) => setTimeout(resolve, 2000));
    killGroup(daemon.child, "SIGTERM");
    const exit = await daemon.exited;
    const { documents, events } = readDocsort(setup.home);
    const lastFinal = Math.max(...events.map((e) => e.at));
    const names = new Set(documents.map((d) => d.name));
    const lost = docs.filter((d) => !names.has(d.name)).length;
    const perName = new Map<string, number>();
    for (const d of documents) perName.set(d.name, (perName.get(d.name) ?? 0) + 1);
    const twice =
      documents.filter((d) => d.classifications > 1).length +
      [...perName.values()].filter((n) => n > 1).length;
    const final = documents.filter((d) => FINAL.has(d.status)).length;
    ctx.report.add({
      scenario,
      figure: `documents final (${count} files)`,
      unit: `of ${count}`,
      docsort: final,
      baseline: null,
      baselineOf: "",
      check: { target: `= ${count}`, pass: final === count && documents.length === count },
    });
    ctx.report.add({
      scenario,
      figure: "files lost / processed twice",
      unit: "",
      docsort: lost + twice,
      baseline: null,
      baselineOf: "",
      check: atMost(lost + twice, 0, "0"),
      note: `${lost} lost, ${twice} twice`,
    });
    ctx.report.add({
      scenario,
      figure: "peak RSS of the daemon",
      unit: "MB",
      docsort: exit.peakRssMb,
      baseline: null,
      baselineOf: "",
      check: atMost(exit.peakRssMb, 300),
    });
    const drain = (lastFinal - writtenAt) / 1000;
    // where the drain time went: registering the burst (intake) against working through it (the model)
    const discovered = events.filter((e) => e.type === "discovered").map((e) => e.at);
    const sinceWritten = (at: number) => (at - writtenAt) / 1000;
    ctx.report.add({
      scenario,
      figure: "all files registered / first document final, after the first file was written",
      unit: "s",
      docsort: sinceWritten(Math.max(...discovered)),
      baseline: null,
      baselineOf: "",
      note: `first final after ${sinceWritten(Math.min(...finalAt(events))).toFixed(1)} s; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end`,
    });
    ctx.report.add({
      scenario,
      figure: `drain time (L=${LATENCY_MS} P=${PARALLEL})`,
      unit: "s",
      docsort: drain,
      baseline: ideal,
      baselineOf: "ideal",
      check: atMost(drain, 1.2 * ideal, "≤ 1.2× ideal"),
    });
  } finally {
    killGroup(daemon.child);
    await daemon.exited;
    await server.close();
    dir.cleanup();
  }
}

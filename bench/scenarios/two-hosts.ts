import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DOCSORT_BIN } from "../../tests/support/run-docsort.js";
import type { OllamaEmulator } from "../emulator/ollama-emulator.js";
import { docsortArgs, docsortSetup, NAIVE_BIN, readDocsort, scratch } from "../support/harness.js";
import { startMeasured, waitFor } from "../support/processes.js";
import { atLeast } from "../support/report.js";
import { writeSyntheticDocuments } from "../support/synthetic-documents.js";
import {
  latencyServer,
  naiveRight,
  rightlyClassified,
  type ScenarioContext,
  scaled,
  TAXONOMY,
} from "./common.js";

const LATENCY_MS = 150;
const PARALLEL = 2;

function finishedOk(servers: readonly OllamaEmulator[]): number {
  return servers.reduce(
    (n, s) => n + s.calls.filter((c) => c.status === "ok" && c.finishedAt !== undefined).length,
    0,
  );
}

/** When the `n`-th answer (1-based, in order of completion) came in, if it did. */
function nthAnswerAt(servers: readonly OllamaEmulator[], n: number): number | undefined {
  const finished = servers
    .flatMap((s) => s.calls)
    .filter((c) => c.status === "ok" && c.finishedAt !== undefined)
    .map((c) => c.finishedAt ?? 0)
    .sort((a, b) => a - b);
  return finished[n - 1];
}

/** Answers completed per second in [from, to], over the sum of both hosts' capacities (2 × P / L). */
function shareOfCapacity(servers: readonly OllamaEmulator[], from: number, to: number): number | null {
  if (!(to > from)) return null;
  const done = servers
    .flatMap((s) => s.calls)
    .filter((c) => c.status === "ok" && (c.finishedAt ?? 0) >= from && (c.finishedAt ?? 0) <= to);
  const capacity = (servers.length * PARALLEL * 1000) / LATENCY_MS;
  return done.length / ((to - from) / 1000) / capacity;
}

/**
 * Two hosts at L=150 P=2 each (`model.hosts`); the second is killed when 40% of the answers are in. Throughput
 * in steady state before the kill (from the answer that made 10% to the kill) against the sum of both capacities,
 * and (for information) from the first request on; afterwards every document must still end right. docsort
 * without `model.hosts` is reported as not supported (the config is refused).
 */
export async function twoHosts(ctx: ScenarioContext) {
  const scenario = `two hosts L=${LATENCY_MS} P=${PARALLEL}`;
  const count = scaled(ctx, 400);
  const dir = scratch("hosts");
  const servers = [await latencyServer(LATENCY_MS, PARALLEL), await latencyServer(LATENCY_MS, PARALLEL)];
  try {
    const hosts = servers.map((s) => ({ url: s.url, parallel: PARALLEL }));
    const setup = docsortSetup(dir.root, hosts[0]?.url ?? "", { model: { hosts } });
    let unsupported: string | undefined;
    try {
      execFileSync(process.execPath, [DOCSORT_BIN, "--config", setup.configFile, "config"], {
        env: setup.env,
        stdio: "pipe",
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
      const why = stderr
        .split("\n")
        .find((line) => line.includes('"hosts"'))
        ?.replace(/\(got .*\)$/, "")
        .trim();
      unsupported = `not supported yet: docsort refuses model.hosts (${why ?? stderr.trim()})`;
    }
    writeSyntheticDocuments(setup.inbox, count, { ageMs: 60_000 });
    const naiveInbox = path.join(dir.root, "naive-inbox");
    cpSync(setup.inbox, naiveInbox, { recursive: true, preserveTimestamps: true });

    const docsort = unsupported
      ? { share: null, fromFirstRequest: null, afterKill: 0 }
      : await killOneMidRun(servers, count, () =>
          startMeasured(process.execPath, docsortArgs(setup, "watch", "--once"), {
            env: setup.env,
            cwd: setup.home,
          }),
        );
    const right = unsupported ? null : rightlyClassified(readDocsort(setup.home).documents);
    const naiveServers = [
      await latencyServer(LATENCY_MS, PARALLEL),
      await latencyServer(LATENCY_MS, PARALLEL),
    ];
    const naiveDb = path.join(dir.root, "naive.db");
    const naive = await killOneMidRun(naiveServers, count, () =>
      startMeasured(process.execPath, [NAIVE_BIN, naiveInbox, naiveDb], {
        env: {
          PATH: process.env.PATH,
          OLLAMA_HOSTS: naiveServers.map((s) => s.url).join(","),
          NAIVE_WORKERS: String(2 * PARALLEL),
          NAIVE_TAXONOMY: JSON.stringify(TAXONOMY),
        },
      }),
    );
    await Promise.all(naiveServers.map((s) => s.close()));
    const db = new Database(naiveDb, { readonly: true });
    const naiveRows = db
      .prepare<[], { file: string; category: string | null }>("SELECT file, category FROM results")
      .all();
    db.close();
    ctx.report.add({
      scenario,
      figure: "throughput from the first request to the kill, start-up included (of the sum of capacities)",
      unit: "",
      docsort: docsort.fromFirstRequest,
      baseline: naive.fromFirstRequest,
      baselineOf: "naive",
      ...(unsupported ? { note: unsupported } : {}),
    });
    ctx.report.add({
      scenario,
      figure: "steady throughput before the kill, from the 10% answer (of the sum of capacities)",
      unit: "",
      docsort: docsort.share,
      baseline: naive.share,
      baselineOf: "naive",
      check: atLeast(docsort.share, 0.9),
      ...(unsupported ? { note: unsupported } : {}),
    });
    ctx.report.add({
      scenario,
      figure: "documents final and right after one host was killed",
      unit: `of ${count}`,
      docsort: right,
      baseline: naiveRight(naiveRows),
      baselineOf: "naive",
      check: atLeast(right, count, `= ${count}`),
      note: unsupported ?? `${docsort.afterKill} answers from the surviving host after the kill`,
    });
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    dir.cleanup();
  }
}

async function killOneMidRun(
  servers: readonly OllamaEmulator[],
  count: number,
  start: () => ReturnType<typeof startMeasured>,
) {
  const [survivor, victim] = servers;
  if (!survivor || !victim) throw new Error("two servers expected");
  const run = start();
  let killedAt: number | undefined;
  await waitFor(
    () => finishedOk(servers) >= count * 0.4 || run.child.exitCode !== null,
    "40% of the answers",
    300_000,
    20,
  );
  killedAt = performance.timeOrigin + performance.now();
  await victim.close();
  await run.exited;
  const first = Math.min(...servers.flatMap((s) => s.calls.map((c) => c.arrivedAt)));
  // steady state: from the answer that made 10% to the kill (the start-up is the latency scenarios' figure)
  const steadyFrom = nthAnswerAt(servers, Math.ceil(count * 0.1));
  return {
    share: steadyFrom === undefined ? null : shareOfCapacity(servers, steadyFrom, killedAt),
    fromFirstRequest: shareOfCapacity(servers, first, killedAt),
    afterKill: survivor.calls.filter((c) => (c.arrivedAt ?? 0) > (killedAt ?? 0)).length,
  };
}

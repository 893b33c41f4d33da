import { DEFAULT_TAXONOMY } from "../../src/config/default-taxonomy.js";
import { schemaAnswerModel } from "../emulator/answer-model.js";
import { keywordClassifier } from "../emulator/keyword-classifier.js";
import { type EmulatorOptions, type OllamaEmulator, startEmulator } from "../emulator/ollama-emulator.js";
import type { DocumentResult } from "../support/harness.js";
import type { Report } from "../support/report.js";
import { categoryOfName } from "../support/synthetic-documents.js";

export const TAXONOMY = DEFAULT_TAXONOMY;

export interface ScenarioContext {
  report: Report;
  /** Scale factor for document counts (BENCH_SCALE; 1 = the sizes). */
  scale: number;
}

export const scaled = (ctx: ScenarioContext, n: number) => Math.max(1, Math.round(n * ctx.scale));

/** A pure-latency server: every request holds a slot for `latencyMs`, tokens cost nothing. */
export function latencyServer(latencyMs: number, parallel: number, extra: Partial<EmulatorOptions> = {}) {
  return startEmulator({
    answer: schemaAnswerModel(keywordClassifier),
    latencyMs,
    parallel,
    promptTokenMs: 0,
    outputTokenMs: 0,
    ...extra,
  });
}

/** Busy slot time over P × the window: 1.0 means every slot was busy all the time. */
export function occupancy(server: OllamaEmulator, from: number, to: number): number | null {
  if (!(to > from)) return null;
  return server.busySlotMs(from, to) / (server.parallel * (to - from));
}

/** The window in which calls kept arriving: from the first arrival to the last. */
export function arrivalWindow(server: OllamaEmulator): { first: number; last: number } | undefined {
  const arrivals = server.calls.map((c) => c.arrivedAt);
  if (arrivals.length === 0) return undefined;
  return { first: Math.min(...arrivals), last: Math.max(...arrivals) };
}

export function firstAnswerAt(server: OllamaEmulator): number | undefined {
  const done = server.calls.filter((c) => c.status === "ok" && c.finishedAt !== undefined);
  return done.length === 0 ? undefined : Math.min(...done.map((c) => c.finishedAt ?? Infinity));
}

/** Top-level synthetic documents that are final with the category their name stands for. */
export function rightlyClassified(documents: readonly DocumentResult[]): number {
  return documents.filter(
    (d) => d.parent_id === null && d.category !== null && d.category === categoryOfName(d.name),
  ).length;
}

export function naiveRight(rows: readonly { file: string; category: string | null }[]): number {
  return rows.filter((r) => r.category !== null && r.category === categoryOfName(r.file)).length;
}

import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { loadReadingConfig } from "../../config/load-reading-config.js";
import { readingModelConfigSchema } from "../../config/reading-model-schema.js";
import {
  collectStats,
  openDatabaseReadOnly,
  type Percentiles,
  STAGE_NAMES,
  type StoreStats,
} from "../../store/stats-queries.js";
import { globalOptions } from "../global-options.js";
import { formatMs, printJson, printLine } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const statsOptions = z.object({
  json: z.boolean().optional(),
  since: z
    .union([z.iso.date("a date like 2025-01-31"), z.iso.datetime({ offset: true })])
    .optional()
    .describe("YYYY-MM-DD (UTC midnight) or an ISO date-time"),
});

const DAYS_SHOWN = 14;

/** `since` as an ISO timestamp in UTC, comparable with the store's timestamps. */
function sinceIso(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since).toISOString();
}

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description(
      "what docsort did: documents per status and category, throughput, latency per stage, tokens, model use, handlers",
    )
    .option("--since <date>", "only what happened since this day (YYYY-MM-DD, UTC) or ISO date-time")
    .option("--json", "print one JSON object")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(statsOptions, raw);
      const config = loadReadingConfig(
        globalOptions(command),
        process.env,
        process.cwd(),
        readingModelConfigSchema,
      );
      // the same file as store.ts's databasePath; importing store.ts would load every repository for nothing
      const file = path.join(config.home, "docsort.db");
      const db = openDatabaseReadOnly(file);
      if (!db) {
        if (options.json) printJson(null);
        else printLine(`no database at ${file} yet: nothing to report`);
        return;
      }
      try {
        const stats = collectStats(db, {
          since: sinceIso(options.since),
          hosts: config.model.hosts,
        });
        if (options.json) printJson(stats);
        else printStats(stats);
      } finally {
        db.close();
      }
    });
}

/** 12345 → "12,345" (toLocaleString would load Intl: 30 ms of start-up). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const ms = (value: number | null) => (value === null ? "—" : formatMs(value));
const hours = (value: number) =>
  value < 3_600_000 ? formatMs(value) : `${(value / 3_600_000).toFixed(1)} h`;
const decimal = (value: number | null, digits = 0) => (value === null ? "—" : value.toFixed(digits));

function counts(record: Record<string, number>): string {
  const parts = Object.entries(record)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${count(n)}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

function printStats(stats: StoreStats): void {
  const { documents, throughput, sample, handlers } = stats;
  printLine(`documents: ${count(documents.total)}${stats.since ? ` found since ${stats.since}` : ""}`);
  printLine(`  by status:   ${counts(documents.byStatus)}`);
  printLine(`  by category: ${counts(documents.byCategory)}`);
  printLine();
  const days = throughput.slice(-DAYS_SHOWN);
  const note = throughput.length > days.length ? ` (last ${days.length} of ${throughput.length} days)` : "";
  printLine(`finished per day${note}:`);
  if (days.length === 0) printLine("  none");
  else
    printLine(
      renderTable(
        ["DAY", "FINISHED"],
        days.map((d) => [d.day, count(d.finished)]),
      ),
    );
  printLine();
  printLine(`over ${sample.description}:`);
  const row = (name: string, p: Percentiles) => [name, count(p.count), ms(p.p50), ms(p.p95)];
  printLine(
    renderTable(
      ["STAGE", "DOCUMENTS", "P50", "P95"],
      [...STAGE_NAMES.map((stage) => row(stage, sample.latency[stage])), row("model call", sample.modelCall)],
    ),
  );
  const { tokens } = sample;
  printLine(
    `tokens per classified document (${count(tokens.documents)}): prompt evaluated ${decimal(tokens.promptPerDocument)}, ` +
      `from cache ${tokens.cachedPerDocument === null ? "not recorded" : decimal(tokens.cachedPerDocument)}, ` +
      `output ${decimal(tokens.outputPerDocument)}`,
  );
  for (const host of sample.utilisation) {
    printLine(
      `model utilisation ${host.host} (parallel ${host.parallel}): ${decimal(host.utilisation, 2)} ` +
        `(busy ${hours(host.busyMs)} in ${hours(host.windowMs)}, ${count(host.documents)} documents)`,
    );
  }
  printLine();
  if (handlers.length === 0) {
    printLine("handler runs: none");
    return;
  }
  printLine(
    renderTable(
      ["HANDLER", "SUCCEEDED", "FAILED", "DEAD", "PENDING", "RUNNING"],
      handlers.map((h) => [
        h.handler,
        count(h.succeeded),
        count(h.failed),
        count(h.dead),
        count(h.pending),
        count(h.running),
      ]),
    ),
  );
}

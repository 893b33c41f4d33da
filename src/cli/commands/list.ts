import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { listDocuments } from "../../store/document-views.js";
import { checkCategory } from "../categories.js";
import { formatConfidence, printJson, printLine } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { withStore } from "../with-store.js";

const listOptions = z.object({
  status: z.enum(DOCUMENT_STATUSES).optional(),
  category: z.string().min(1).optional(),
  limit: z.coerce.number().int().positive().optional(),
  json: z.boolean().optional(),
  wide: z.boolean().optional(),
});

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list documents, newest first")
    .option("--status <status>", `only this status (${DOCUMENT_STATUSES.join(", ")})`)
    .option("--category <category>", "only this category")
    .option("--limit <n>", "at most this many")
    .option("--json", "print a JSON array")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(listOptions, raw);
      return withStore(command, ({ config, store }) => {
        if (options.category) checkCategory(config, options.category);
        const documents = listDocuments(store.db, options);
        if (options.json) {
          printJson(documents);
          return;
        }
        if (documents.length === 0) {
          printLine("no documents");
          return;
        }
        const shownPath = pathInInbox(config.inbox);
        const rows = documents.map((d) => [
          d.id,
          d.status,
          d.category ?? "",
          formatConfidence(d.confidence),
          d.source ?? "",
          shownPath(d.path),
          d.reason ?? "",
        ]);
        const columns = [
          "ID",
          "STATUS",
          "CATEGORY",
          "CONF",
          "SOURCE",
          { header: "FILE", flex: true, cut: "middle" as const },
          { header: "REASON", flex: true, pipeMax: 60 },
        ];
        printLine(renderTable(columns, rows, { wide: options.wide }));
      });
    });
}

/** A path as `list` shows it: relative to the inbox when inside it, else as it is. */
export function displayPath(inbox: string, p: string): string {
  const relative = path.relative(inbox, p);
  return relative.startsWith("..") ? p : relative;
}

/**
 * displayPath for many paths and one inbox: path.relative resolves both paths against the working folder on every
 * call (most of the time of a `list` of thousands). An absolute, normalised path is cut by prefix instead.
 */
export function pathInInbox(inbox: string): (p: string) => string {
  const root = path.resolve(inbox);
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  return (p) => {
    if (!path.isAbsolute(p) || path.normalize(p) !== p || p === root || p.endsWith(path.sep))
      return displayPath(inbox, p);
    if (!p.startsWith(prefix)) return p;
    const relative = p.slice(prefix.length);
    return relative.startsWith("..") ? p : relative;
  };
}

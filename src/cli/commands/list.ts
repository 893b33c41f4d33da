import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { countDocuments, listDocuments } from "../../store/document-views.js";
import { checkCategory } from "../categories.js";
import { formatConfidence, printJson, printLine, printNote } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { withStore } from "../with-store.js";

/** `list` without --limit or --all: the newest this many. */
const DOCUMENTS_SHOWN = 50;

const listOptions = z.object({
  status: z.enum(DOCUMENT_STATUSES).optional(),
  category: z.string().min(1).optional(),
  limit: z.coerce.number().int().positive().optional(),
  all: z.boolean().optional(),
  json: z.boolean().optional(),
  wide: z.boolean().optional(),
});

export function registerList(program: Command): void {
  program
    .command("list")
    .description(`list documents, newest first (the newest ${DOCUMENTS_SHOWN} unless --limit or --all)`)
    .option("--status <status>", `only this status (${DOCUMENT_STATUSES.join(", ")})`)
    .option("--category <category>", "only this category")
    .option("--limit <n>", `at most this many (default ${DOCUMENTS_SHOWN}; with --json: all)`)
    .option("--all", "every document")
    .option("--json", "print a JSON array (every document unless --limit is given)")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .addHelpText(
      "after",
      `\nWithout --limit or --all, the ${DOCUMENTS_SHOWN} newest documents are listed and stderr says how many earlier ones were left out.`,
    )
    .action((raw: unknown, command: Command) => {
      const options = parseInput(listOptions, raw);
      if (options.all && options.limit !== undefined)
        throw new UsageError("give --limit or --all, not both.");
      const limit = options.all ? undefined : (options.limit ?? (options.json ? undefined : DOCUMENTS_SHOWN));
      return withStore(command, ({ config, store }) => {
        if (options.category) checkCategory(config, options.category);
        const filter = { status: options.status, category: options.category };
        const documents = listDocuments(store.db, { ...filter, limit });
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
        if (limit !== undefined && documents.length === limit) {
          const earlier = countDocuments(store.db, filter) - documents.length;
          if (earlier > 0)
            printNote(
              `${earlier} earlier document${earlier === 1 ? "" : "s"} not shown: use --limit N or --all`,
            );
        }
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

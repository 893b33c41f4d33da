import type { Command } from "commander";
import pc from "picocolors";
import { z } from "zod";
import { type SnippetPart, searchDocuments } from "../../search/search-documents.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { formatConfidence, printJson, printLine, truncate } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { withApp } from "../with-app.js";

const searchOptions = z.object({
  category: z.string().min(1).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  from: z.iso.date("a day like 2025-01-31").optional(),
  to: z.iso.date("a day like 2025-01-31").optional(),
  vendor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  json: z.boolean().optional(),
});

export function registerSearch(program: Command): void {
  program
    .command("search")
    .description("find documents by words in their text (full-text search), best match first")
    .argument("<words...>", 'words (prefixes match), "a phrase", a OR b')
    .option("--category <category>", "only this category")
    .option("--status <status>", `only this status (${DOCUMENT_STATUSES.join(", ")})`)
    .option("--from <day>", "added on or after this day (YYYY-MM-DD)")
    .option("--to <day>", "added on or before this day (YYYY-MM-DD)")
    .option("--vendor <name>", "only invoices whose vendor contains this")
    .option("--limit <n>", "at most this many (default 20)")
    .option("--offset <n>", "skip this many (paging)")
    .option("--json", "print { items, total, limit, offset }")
    .action((words: string[], raw: unknown, command: Command) =>
      withApp(command, (app) => {
        const { json, ...options } = parseInput(searchOptions, raw);
        const result = searchDocuments(app.store, { query: words.join(" "), ...options });
        if (json) return printJson(result);
        if (result.items.length === 0) return printLine("nothing found");
        const rows = result.items.map((item) => [
          item.id,
          item.status,
          item.category ?? "",
          formatConfidence(item.confidence),
          truncate(item.name, 36),
          snippetText(item.snippet ?? []),
        ]);
        printLine(renderTable(["ID", "STATUS", "CATEGORY", "CONF", "FILE", "MATCH"], rows));
        if (result.total > result.offset + result.items.length) {
          printLine(
            `${result.total} found; --offset ${result.offset + result.items.length} shows the next ones`,
          );
        }
      }),
    );
}

/** Matched words in bold on a terminal, in [brackets] otherwise. */
function snippetText(parts: SnippetPart[]): string {
  return parts
    .map((p) => (p.hit ? (pc.isColorSupported ? pc.bold(p.text) : `[${p.text}]`) : p.text))
    .join("");
}

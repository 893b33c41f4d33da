import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { describeLearning } from "../../review/describe-learning.js";
import { type DocumentDetails, documentDetails } from "../../review/document-details.js";
import { resolveDocument } from "../document-id.js";
import { globalOptions } from "../global-options.js";
import { formatConfidence, printJson, printLine, truncate } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";

const showOptions = z.object({ json: z.boolean().optional() });

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("a document: its text excerpt, classification history and events")
    .argument("<id>", "document id")
    .option("--json", "print one JSON object")
    .action((id: string, raw: unknown, command: Command) => {
      const options = parseInput(showOptions, raw);
      const app = App.open(globalOptions(command), false);
      try {
        const details = documentDetails(app.store, resolveDocument(app.store, id));
        if (options.json) printJson(details);
        else printDetails(details);
      } finally {
        app.close();
      }
    });
}

type Details = DocumentDetails;

function printDetails(details: Details): void {
  const { document: d, extraction } = details;
  printLine(`Document #${d.id}  ${d.name}`);
  printLine(`  status     ${d.status}${d.reason ? ` — ${d.reason}` : ""}`);
  printLine(`  path       ${d.path}`);
  printLine(`  sha256     ${d.sha256}`);
  printLine(`  size       ${d.size} bytes${d.mime ? `, ${d.mime}` : ""}`);
  printLine(`  added      ${d.createdAt}   updated ${d.updatedAt}   attempts ${d.attempts}`);
  if (details.parent) printLine(`  inside     #${details.parent.id} ${details.parent.name}`);
  if (details.duplicateOf)
    printLine(`  duplicate  of #${details.duplicateOf.id} ${details.duplicateOf.path}`);
  for (const child of details.children)
    printLine(`  contains   #${child.id} ${child.name} (${child.status})`);
  for (const copy of details.duplicates) printLine(`  copy       #${copy.id} ${copy.path}`);

  if (extraction) {
    printLine();
    const pages = extraction.pages
      ? `, ${extraction.pagesRead ?? extraction.pages}/${extraction.pages} pages`
      : "";
    printLine(
      `Text (${extraction.chars} characters, ${extraction.method}${pages}, ${extraction.durationMs} ms)`,
    );
    for (const warning of extraction.warnings) printLine(`  warning: ${warning}`);
    printLine(indent(extraction.excerpt + (extraction.chars > extraction.excerpt.length ? "\n…" : "")));
  }

  if (details.classifications.length > 0) {
    printLine();
    printLine("Classifications (newest last)");
    const rows = details.classifications.map((c) => [
      c.createdAt.replace("T", " ").slice(0, 19),
      c.source,
      c.category,
      formatConfidence(c.confidence),
      c.model ?? c.actor ?? "",
      c.promptTokens === null ? "" : `${c.promptTokens}/${c.outputTokens ?? ""}${c.truncated ? " cut" : ""}`,
      truncate(c.summary || c.note || "", 60),
    ]);
    printLine(renderTable(["WHEN", "SOURCE", "CATEGORY", "CONF", "BY", "TOKENS", "SUMMARY"], rows));
    const current = details.classifications.at(-1);
    if (current?.evidence) printLine(`  evidence: "${truncate(current.evidence, 200)}"`);
    if (current) for (const line of describeLearning(current.details)) printLine(`  ${line}`);
  }

  printHandlerRuns(details);

  printLine();
  printLine("Events");
  const rows = details.events.map((e) => [
    e.createdAt.replace("T", " ").slice(0, 19),
    e.type,
    e.fromStatus && e.toStatus ? `${e.fromStatus} → ${e.toStatus}` : (e.toStatus ?? ""),
    truncate(e.message ?? "", 80),
  ]);
  printLine(renderTable(["WHEN", "EVENT", "STATUS", "MESSAGE"], rows));
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  | ${line}`)
    .join("\n");
}

/** Every run, for every decision: runs of an earlier category stay listed after a correction. */
function printHandlerRuns(details: Details): void {
  if (details.invoice) {
    const i = details.invoice;
    printLine();
    printLine(
      `Invoice #${i.id}  ${i.status}  ${i.vendor ?? "?"}  ${i.invoiceNumber ?? "?"}  (docsort invoices show ${i.id})`,
    );
  }
  if (details.handlerRuns.length === 0) return;
  printLine();
  printLine("Handler runs");
  const rows = details.handlerRuns.map((r) => [
    r.id,
    r.handlerName,
    r.trigger,
    r.category,
    r.status,
    r.attempts,
    truncate(r.lastError ?? (r.status === "succeeded" ? (r.output ?? "") : ""), 60),
  ]);
  printLine(
    renderTable(["RUN", "HANDLER", "TRIGGER", "CATEGORY", "STATUS", "TRIES", "LAST ERROR / OUTPUT"], rows),
  );
}

import type { Command } from "commander";
import { z } from "zod";
import { describeLearning } from "../../review/describe-learning.js";
import { type DocumentDetails, documentDetails } from "../../review/document-details.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { MailOrigin } from "../../store/mail-messages-repo.js";
import { resolveDocument } from "../document-id.js";
import { formatConfidence, printJson, printLine, shown, truncate } from "../output/print.js";
import { renderTable } from "../output/table.js";
import { parseInput } from "../parse-input.js";
import { withStore } from "../with-store.js";

const showOptions = z.object({ json: z.boolean().optional(), wide: z.boolean().optional() });
/** A failed model answer is shown up to this much (--wide: all of it). */
const RAW_ANSWER_CHARS = 600;
const RAW_ANSWER_LINES = 12;

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("a document: its text excerpt, classification history and events")
    .argument("<id>", "document id")
    .option("--json", "print one JSON object")
    .option("--wide", "everything in full: table cells and failed model answers")
    .action((id: string, raw: unknown, command: Command) => {
      const options = parseInput(showOptions, raw);
      return withStore(command, ({ store }) => {
        const details = documentDetails(store, resolveDocument(store, id));
        if (options.json) printJson(details);
        else printDetails(details, options.wide === true);
      });
    });
}

type Details = DocumentDetails;

function printDetails(details: Details, wide: boolean): void {
  const { document: d, extraction } = details;
  const table = { wide };
  printLine(`Document #${d.id}  ${shown(d.name)}`);
  printLine(`  status     ${d.status}${d.reason ? ` — ${shown(d.reason)}` : ""}`);
  const hint = nextStep(d);
  if (hint) printLine(`  next       ${hint}`);
  printLine(`  path       ${shown(d.path)}`);
  printLine(`  sha256     ${d.sha256}`);
  printLine(`  size       ${d.size} bytes${d.mime ? `, ${d.mime}` : ""}`);
  printLine(`  added      ${d.createdAt}   updated ${d.updatedAt}   attempts ${d.attempts}`);
  if (details.mail) printMailOrigin(details.mail);
  if (details.parent) printLine(`  inside     #${details.parent.id} ${shown(details.parent.name)}`);
  if (details.duplicateOf)
    printLine(`  duplicate  of #${details.duplicateOf.id} ${shown(details.duplicateOf.path)}`);
  for (const child of details.children)
    printLine(`  contains   #${child.id} ${shown(child.name)} (${child.status})`);
  for (const copy of details.duplicates) printLine(`  copy       #${copy.id} ${shown(copy.path)}`);

  if (extraction) {
    printLine();
    const pages = extraction.pages
      ? `, ${extraction.pagesRead ?? extraction.pages}/${extraction.pages} pages`
      : "";
    printLine(
      `Text (${extraction.chars} characters, ${extraction.method}${pages}, ${extraction.durationMs} ms)`,
    );
    for (const warning of extraction.warnings) printLine(`  warning: ${shown(warning)}`);
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
      c.summary || c.note || "",
    ]);
    const columns = [
      "WHEN",
      "SOURCE",
      "CATEGORY",
      "CONF",
      { header: "BY", flex: true },
      "TOKENS",
      { header: "SUMMARY", flex: true, pipeMax: 60 },
    ];
    printLine(renderTable(columns, rows, table));
    const current = details.classifications.at(-1);
    if (current?.evidence)
      printLine(`  evidence: "${wide ? shown(current.evidence) : truncate(current.evidence, 200)}"`);
    if (current) for (const line of describeLearning(current.details)) printLine(`  ${line}`);
  }

  printFailedAnswers(details, wide);
  printHandlerRuns(details, wide);

  printLine();
  printLine("Events");
  const rows = details.events.map((e) => [
    e.createdAt.replace("T", " ").slice(0, 19),
    e.type,
    e.fromStatus && e.toStatus ? `${e.fromStatus} → ${e.toStatus}` : (e.toStatus ?? ""),
    e.message ?? "",
  ]);
  printLine(
    renderTable(["WHEN", "EVENT", "STATUS", { header: "MESSAGE", flex: true, pipeMax: 80 }], rows, table),
  );
}

/** Where a document that came by mail came from: sender, subject, date and Message-ID of its message. */
function printMailOrigin(mail: MailOrigin): void {
  printLine(
    `  mail       ${shown(`${mail.account}/${mail.folder}`)} uid ${mail.uid} (rule ${mail.rule}, take ${mail.take})`,
  );
  printLine(`  from       ${shown(mail.sender ?? "?")}`);
  printLine(`  subject    ${shown(mail.subject ?? "")}`);
  printLine(`  date       ${mail.sentAt ?? "?"}   received ${mail.receivedAt ?? "?"}`);
  printLine(`  message-id ${shown(mail.messageId ?? "(none)")}`);
  if (mail.action !== "none") {
    const what = mail.action === "move" ? `move to ${shown(mail.moveTo ?? "")}` : mail.action;
    printLine(
      `  on server  ${what}: ${mail.actionStatus}${mail.actionError ? ` — ${shown(mail.actionError)}` : ""}`,
    );
  }
}

/** What to do about a document that stopped: failed documents can be tried again as they are. */
function nextStep(d: DocumentRecord): string | undefined {
  if (d.status === "failed")
    return `try again: docsort reclassify ${d.id} (every failed document: docsort reclassify --status failed)`;
  if (d.status === "needs_review")
    return `decide: docsort review, docsort accept ${d.id} or docsort set ${d.id} CATEGORY`;
  return undefined;
}

/**
 * Model answers that could not be read (the first answer and the repair's), as they came: the start of each, and
 * all of it with --wide. Stored with the event that failed the document.
 */
function printFailedAnswers(details: Details, wide: boolean): void {
  for (const event of details.events) {
    const answers = rawOutputs(event.data);
    if (answers.length === 0) continue;
    printLine();
    printLine(`Model answers that could not be read (${event.createdAt.replace("T", " ").slice(0, 19)})`);
    answers.forEach((answer, i) => {
      printLine(`  answer ${i + 1} of ${answers.length}, ${answer.length} characters:`);
      const lines = answer.split("\n");
      const cut = !wide && (answer.length > RAW_ANSWER_CHARS || lines.length > RAW_ANSWER_LINES);
      const part = cut ? lines.slice(0, RAW_ANSWER_LINES).join("\n").slice(0, RAW_ANSWER_CHARS) : answer;
      printLine(indent(part));
      if (cut)
        printLine(
          `  | … ${answer.length - part.length} more characters (docsort show ${details.document.id} --wide)`,
        );
    });
  }
}

function rawOutputs(data: Record<string, unknown> | null): string[] {
  const value = data?.rawOutputs;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Document text, one `  | ` line each; each line's control characters escaped (tabs kept). */
function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  | ${shown(line).replace(/\\t/g, "\t")}`)
    .join("\n");
}

/** Every run, for every decision: runs of an earlier category stay listed after a correction. */
function printHandlerRuns(details: Details, wide: boolean): void {
  if (details.invoice) {
    const i = details.invoice;
    printLine();
    printLine(
      `Invoice #${i.id}  ${i.status}  ${shown(i.vendor ?? "?")}  ${shown(i.invoiceNumber ?? "?")}  (docsort invoices show ${i.id})`,
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
    r.lastError ?? (r.status === "succeeded" ? (r.output ?? "") : ""),
  ]);
  const columns = [
    "RUN",
    { header: "HANDLER", flex: true },
    "TRIGGER",
    "CATEGORY",
    "STATUS",
    "TRIES",
    { header: "LAST ERROR / OUTPUT", flex: true, pipeMax: 60 },
  ];
  printLine(renderTable(columns, rows, { wide }));
}

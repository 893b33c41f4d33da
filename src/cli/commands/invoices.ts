import os from "node:os";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { describeRun } from "../../handlers/describe-run.js";
import { invoicePayload } from "../../handlers/handler-event.js";
import type { approveInvoice } from "../../invoices/approval.js";
import { formatMinor } from "../../invoices/parse-money.js";
import type { HandlerRunRecord } from "../../store/handler-runs-repo.js";
import { INVOICE_STATUSES } from "../../store/invoice-columns.js";
import type { InvoiceRecord } from "../../store/invoices-repo.js";
import type { Store } from "../../store/store.js";
import { markFailedRuns } from "../exit-status.js";
import { printJson, printLine, printNote } from "../output/print.js";
import { startProgress } from "../output/progress.js";
import { renderTable } from "../output/table.js";
import { terminal } from "../output/terminal.js";
import { parseInput } from "../parse-input.js";
import { withApp } from "../with-app.js";
import { withStore } from "../with-store.js";

/** `invoices list` without --limit or --all: the newest this many. */
const INVOICES_SHOWN = 50;
const listOptions = z.object({
  status: z.enum(INVOICE_STATUSES).optional(),
  limit: z.coerce.number().int().positive().optional(),
  all: z.boolean().optional(),
  json: z.boolean().optional(),
  wide: z.boolean().optional(),
});
const showOptions = z.object({ json: z.boolean().optional(), wide: z.boolean().optional() });
const byOption = z.object({ by: z.string().min(1).optional(), json: z.boolean().optional() });
const notDuplicateOptions = z.object({
  by: z.string().min(1).optional(),
  note: z.string().trim().min(1).optional(),
  json: z.boolean().optional(),
});
const approveOptions = byOption.extend({ force: z.boolean().optional() });
const rejectOptions = z.object({
  reason: z.string().trim().min(1, "say why"),
  by: z.string().min(1).optional(),
});
const exportOptions = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  since: z.iso.date("a date like 2025-01-31").optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
});
const idSchema = z.coerce.number().int().positive();

export function registerInvoices(program: Command): void {
  const invoices = program
    .command("invoices")
    .description("the invoice ledger: review, approve, reject, export");

  invoices
    .command("list")
    .description(
      `the newest invoices (${INVOICES_SHOWN} unless --limit or --all), oldest first, with status and failed checks`,
    )
    .option("--status <status>", `only this status (${INVOICE_STATUSES.join(", ")})`)
    .option("--limit <n>", `at most this many, the newest (default ${INVOICES_SHOWN}; with --json: all)`)
    .option("--all", "every invoice")
    .option("--json", "print a JSON array (every invoice unless --limit is given)")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .addHelpText(
      "after",
      `\nWithout --limit or --all, the ${INVOICES_SHOWN} newest invoices are listed and stderr says how many earlier ones were left out.`,
    )
    .action((raw: unknown, command: Command) =>
      withStore(command, ({ store }) => {
        const options = parseInput(listOptions, raw);
        if (options.all && options.limit !== undefined)
          throw new UsageError("give --limit or --all, not both.");
        const limit = options.all
          ? undefined
          : (options.limit ?? (options.json ? undefined : INVOICES_SHOWN));
        const list = store.invoices.list({ status: options.status, limit });
        if (options.json)
          return printJson(list.map((i) => ({ ...invoicePayload(i), documentId: i.documentId })));
        if (list.length === 0) return printLine("no invoices");
        const rows = list.map((i) => [
          i.id,
          i.status,
          i.vendor ?? "",
          i.invoiceNumber ?? "",
          i.invoiceDate ?? "",
          i.totalMinor === null ? "" : formatMinor(i.totalMinor, i.currency),
          i.currency ?? "",
          i.documentId,
          i.duplicateOf ? `duplicate of #${i.duplicateOf}` : failedChecks(i),
        ]);
        const columns = [
          "ID",
          "STATUS",
          { header: "VENDOR", flex: true, pipeMax: 30 },
          { header: "NUMBER", flex: true },
          "DATE",
          "TOTAL",
          "CUR",
          "DOC",
          { header: "NOTE", flex: true },
        ];
        printLine(renderTable(columns, rows, { wide: options.wide }));
        if (limit !== undefined && list.length === limit) {
          const earlier = store.invoices.count({ status: options.status }) - list.length;
          if (earlier > 0)
            printNote(
              `${earlier} earlier invoice${earlier === 1 ? "" : "s"} not shown: use --limit N or --all`,
            );
        }
      }),
    );

  invoices
    .command("show")
    .description("an invoice: every field with the quote it came from, the checks, the archive copy")
    .argument("<id>")
    .option("--json", "print one JSON object")
    .option("--wide", "every column in full (a terminal otherwise cuts long cells with …)")
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, (app) => {
        const options = parseInput(showOptions, raw);
        const invoice = findInvoice(app.store, rawId);
        const runs = app.store.handlerRuns
          .forDocument(invoice.documentId)
          .filter((r) => r.trigger !== "document.classified");
        if (options.json) return printJson({ ...invoice, runs });
        printInvoice(invoice, options.wide === true);
        for (const run of runs) printLine(`  ${describeRun(run)}`);
      }),
    );

  invoices
    .command("approve")
    .description("approve an invoice: fires the handlers on invoice.approved (e.g. a webhook to accounting)")
    .argument("<id>")
    .option("--by <name>", "who approves (default: your user name)")
    .option("--force", "approve even though checks failed, without asking")
    .option("--json", "print the invoice and the runs as JSON")
    .addHelpText(
      "after",
      "\nExit code 1 when one of the invoice.approved handler runs failed (see docsort runs).",
    )
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const options = parseInput(approveOptions, raw);
        const { runNow } = await import("../../handlers/run-now.js");
        const { invoice, runs } = await approveKnowingly(
          app.store,
          parseId(rawId),
          options.by ?? actor(),
          options.force === true,
        );
        const progress = startProgress(`running the invoice.approved handlers of invoice #${invoice.id}`);
        let finished: HandlerRunRecord[] = [];
        try {
          if (runs.created.length > 0) finished = await runNow(app, [invoice.documentId], "invoices approve");
        } finally {
          progress.done();
        }
        const failed = markFailedRuns(finished);
        if (options.json) return printJson({ invoice, runs: finished });
        printLine(`invoice #${invoice.id} approved`);
        if (runs.created.length === 0) printLine("  no handler listens to invoice.approved");
        for (const run of finished) printLine(`  ${describeRun(run)}`);
        if (failed > 0)
          printLine(
            `  ${failed} handler run${failed === 1 ? "" : "s"} failed: see docsort runs --document ${invoice.documentId}; docsort watch retries them (or docsort retry --document ${invoice.documentId})`,
          );
      }),
    );

  invoices
    .command("reject")
    .description("reject an invoice, with the reason")
    .argument("<id>")
    .requiredOption("--reason <text>", "why")
    .option("--by <name>", "who rejects (default: your user name)")
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const { rejectInvoice } = await import("../../invoices/approval.js");
        const options = parseInput(rejectOptions, raw);
        const invoice = rejectInvoice(app.store, parseId(rawId), options.by ?? actor(), options.reason);
        printLine(
          `invoice #${invoice.id} rejected: ${options.reason} (undo: docsort invoices reopen ${invoice.id})`,
        );
      }),
    );

  invoices
    .command("reopen")
    .description("undo a rejection: the invoice can be approved or rejected again")
    .argument("<id>")
    .option("--by <name>", "who reopens it (default: your user name)")
    .option("--json", "print the invoice as JSON")
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const { reopenInvoice } = await import("../../invoices/reopen.js");
        const options = parseInput(byOption, raw);
        const invoice = reopenInvoice(app.store, parseId(rawId), options.by ?? actor());
        if (options.json) return printJson(invoice);
        printLine(`invoice #${invoice.id} reopened: ${invoice.status}`);
      }),
    );

  invoices
    .command("not-duplicate")
    .description(
      "clear a wrong duplicate flag: the invoice gets the status its checks give it (undo: invoices undo)",
    )
    .argument("<id>")
    .option("--by <name>", "who decides (default: your user name)")
    .option("--note <text>", "why it is not a duplicate")
    .option("--json", "print the invoice as JSON")
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const { clearDuplicateFlag } = await import("../../invoices/duplicate-flag.js");
        const options = parseInput(notDuplicateOptions, raw);
        const invoice = clearDuplicateFlag(
          app.store,
          parseId(rawId),
          options.by ?? actor(),
          options.note ?? null,
        );
        if (options.json) return printJson(invoice);
        printLine(`invoice #${invoice.id} is not a duplicate: now ${invoice.status}`);
      }),
    );

  invoices
    .command("undo")
    .description("undo the last not-duplicate decision on an invoice: the duplicate flag comes back")
    .argument("<id>")
    .option("--by <name>", "who undoes (default: your user name)")
    .option("--json", "print the invoice as JSON")
    .action((rawId: string, raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const { undoNotDuplicate } = await import("../../invoices/duplicate-flag.js");
        const options = parseInput(byOption, raw);
        const invoice = undoNotDuplicate(app.store, parseId(rawId), options.by ?? actor());
        if (options.json) return printJson(invoice);
        printLine(`invoice #${invoice.id} is a duplicate of invoice #${invoice.duplicateOf} again`);
      }),
    );

  invoices
    .command("export")
    .description("the ledger as CSV or JSON on stdout (amounts as decimals, dates ISO)")
    .option("--format <format>", "csv or json (default csv)")
    .option("--since <date>", "only invoices dated on or after this day (YYYY-MM-DD)")
    .option("--status <status>", "only this status")
    .action((raw: unknown, command: Command) =>
      withApp(command, async (app) => {
        const { exportRow, invoicesCsv } = await import("../../invoices/export-invoices.js");
        const options = parseInput(exportOptions, raw);
        const progress = startProgress("exporting the ledger");
        try {
          const list = app.store.invoices.list({ since: options.since, status: options.status });
          if (options.format === "json") printJson(list.map(exportRow));
          else terminal().data(invoicesCsv(list));
        } finally {
          progress.done();
        }
      }),
    );
}

/**
 * Approves, asking first on a terminal when checks failed (elsewhere --force says the person knows); see
 * approveInvoice for what is refused.
 */
async function approveKnowingly(
  store: Store,
  id: number,
  by: string,
  force: boolean,
): Promise<ReturnType<typeof approveInvoice>> {
  const { approveInvoice, FailedChecksError } = await import("../../invoices/approval.js");
  try {
    return approveInvoice(store, id, by, { force });
  } catch (error) {
    if (!(error instanceof FailedChecksError)) throw error;
    if (!process.stdin.isTTY || !process.stdout.isTTY)
      throw new UsageError(
        `${error.message}. Look at docsort invoices show ${id}; approve anyway with --force.`,
      );
    printLine(error.message);
    const { confirm } = await import("@inquirer/prompts");
    if (!(await confirm({ message: `Approve invoice #${id} anyway?`, default: false })))
      throw new UsageError(`invoice #${id} was not approved.`);
    return approveInvoice(store, id, by, { force: true });
  }
}

function printInvoice(i: InvoiceRecord, wide: boolean): void {
  printLine(
    `Invoice #${i.id}  ${i.status}${i.documentType === "credit_note" ? "  (credit note)" : ""}  document #${i.documentId}`,
  );
  if (i.duplicateOf) printLine(`  duplicate of invoice #${i.duplicateOf}: ${i.duplicateReason ?? ""}`);
  if (i.decidedBy)
    printLine(
      `  ${i.status} by ${i.decidedBy} at ${i.decidedAt}${i.rejectReason ? `: ${i.rejectReason}` : ""}`,
    );
  if (i.archivePath) printLine(`  archive copy ${i.archivePath}`);
  printLine();
  const rows = Object.entries(i.fields).map(([name, field]) => [
    name,
    field.value === null ? "" : String(field.value),
    field.quote,
    field.notes.join("; "),
  ]);
  const table = { wide };
  printLine(
    renderTable(
      [
        "FIELD",
        { header: "VALUE", flex: true },
        { header: "QUOTE", flex: true, pipeMax: 40 },
        { header: "NOTES", flex: true, pipeMax: 60 },
      ],
      rows,
      table,
    ),
  );
  if (i.lineItems.length > 0) {
    printLine();
    printLine(
      renderTable(
        [{ header: "LINE", flex: true, pipeMax: 50 }, "QTY", "UNIT PRICE", "AMOUNT"],
        i.lineItems.map((l) => [l.description, l.quantity ?? "", l.unitPrice ?? "", l.amountRaw ?? ""]),
        table,
      ),
    );
  }
  printLine();
  printLine(
    renderTable(
      ["CHECK", "RESULT", { header: "MESSAGE", flex: true, pipeMax: 90 }],
      i.checks.map((c) => [c.name, c.status, c.message]),
      table,
    ),
  );
}

function failedChecks(i: InvoiceRecord): string {
  const failed = i.checks.filter((c) => c.status === "failed").map((c) => c.name);
  return failed.length > 0 ? `failed: ${failed.join(", ")}` : "";
}

function parseId(raw: string): number {
  const parsed = idSchema.safeParse(raw.replace(/^#/, ""));
  if (!parsed.success)
    throw new UsageError(`"${raw}" is not an invoice id (a whole number, see docsort invoices list).`);
  return parsed.data;
}

function findInvoice(store: Store, raw: string): InvoiceRecord {
  const id = parseId(raw);
  const invoice = store.invoices.get(id);
  if (!invoice) throw new UsageError(`there is no invoice #${id} (see docsort invoices list).`);
  return invoice;
}

function actor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "unknown";
  }
}

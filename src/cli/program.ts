import { readFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { PACKAGE_FOLDER } from "../package-files.js";
import { invokedCommand } from "./command-path.js";
import { terminal } from "./output/terminal.js";

type Register = (program: Command) => void;

interface CommandEntry {
  names: readonly string[];
  summary: string;
  load: () => Promise<Register>;
}

/**
 * Commands are loaded only when they run: `docsort list` does not pay for pdf.js, OCR or LangChain. The
 * summaries here are what `docsort --help` lists without loading anything.
 */
const COMMANDS: readonly CommandEntry[] = [
  entry(
    ["init"],
    "create the data folder and its database (--force: start over when the database is gone)",
    async () => (await import("./commands/init.js")).registerInit,
  ),
  entry(
    ["watch"],
    "watch the inbox and process every finished file (the daemon)",
    async () => (await import("./commands/watch.js")).registerWatch,
  ),
  entry(
    ["classify"],
    "classify the given files now (stored, or not at all with --dry-run)",
    async () => (await import("./commands/classify.js")).registerClassify,
  ),
  entry(
    ["extract"],
    "print what docsort reads from a file (stores nothing)",
    async () => (await import("./commands/extract.js")).registerExtract,
  ),
  entry(
    ["list"],
    "list documents, newest first",
    async () => (await import("./commands/list.js")).registerList,
  ),
  entry(
    ["show"],
    "a document: text excerpt, classification history, handler runs, events",
    async () => (await import("./commands/show.js")).registerShow,
  ),
  entry(
    ["review"],
    "review the documents waiting for a person, with the keyboard",
    async () => (await import("./commands/review.js")).registerReview,
  ),
  entry(
    ["accept", "set", "undo"],
    "a person's decision: accept ID…, set ID CATEGORY, undo ID",
    async () => (await import("./commands/decisions.js")).registerDecisions,
  ),
  entry(
    ["reclassify"],
    "classify documents again and show what changes",
    async () => (await import("./commands/reclassify.js")).registerReclassify,
  ),
  entry(
    ["requeue"],
    "process quarantined or failed documents again, from the start",
    async () => (await import("./commands/requeue.js")).registerRequeue,
  ),
  entry(
    ["rules"],
    "deterministic rules that run before the model (add, list, remove, suggest)",
    async () => (await import("./commands/rules.js")).registerRules,
  ),
  entry(
    ["eval"],
    "measure a classifier on a labeled folder, without side effects",
    async () => (await import("./commands/eval.js")).registerEval,
  ),
  entry(
    ["handlers"],
    "the automation run after classification (list, add, show, enable, disable, remove, test)",
    async () => (await import("./commands/handlers.js")).registerHandlers,
  ),
  entry(
    ["runs"],
    "handler runs in the outbox, with their last error",
    async () => (await import("./commands/runs.js")).registerRuns,
  ),
  entry(
    ["retry"],
    "run failed or dead handler runs again",
    async () => (await import("./commands/retry.js")).registerRetry,
  ),
  entry(
    ["invoices"],
    "the invoice ledger (list, show, approve, reject, reopen, export)",
    async () => (await import("./commands/invoices.js")).registerInvoices,
  ),
  entry(
    ["mail"],
    "the IMAP accounts read as a second inbox (test ACCOUNT, fetch [--dry-run], status)",
    async () => (await import("./commands/mail.js")).registerMail,
  ),
  entry(
    ["search"],
    "find documents by words in their text (full-text search)",
    async () => (await import("./commands/search.js")).registerSearch,
  ),
  entry(
    ["serve"],
    "the review app in the browser and the HTTP API, on 127.0.0.1",
    async () => (await import("./commands/serve.js")).registerServe,
  ),
  entry(
    ["token"],
    "a new access token for the review app (signs every browser out); --show prints it",
    async () => (await import("./commands/token.js")).registerToken,
  ),
  entry(
    ["stats"],
    "what docsort did: documents per status and category, throughput, latency per stage, tokens, model use, handlers",
    async () => (await import("./commands/stats.js")).registerStats,
  ),
  entry(
    ["doctor"],
    "check the configuration, database, inbox and model server, and say what to fix",
    async () => (await import("./commands/doctor.js")).registerDoctor,
  ),
  entry(
    ["config"],
    "print the effective configuration, or the reference of every key",
    async () => (await import("./commands/config.js")).registerConfig,
  ),
];

function entry(names: readonly string[], summary: string, load: () => Promise<Register>): CommandEntry {
  return { names, summary, load };
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command("docsort")
    .description(
      "Sorts the documents dropped into an inbox folder, with a local model. Nothing leaves the machine.",
    )
    .version(packageVersion(), "-V, --version")
    .option("-c, --config <file>", "config file (default: ./docsort.config.json if present)")
    .option("--home <dir>", "data folder: database, logs, archive (env DOCSORT_HOME, default ./.docsort)")
    .option("--inbox <dir>", "the watched folder (env DOCSORT_INBOX, default ./inbox)")
    .option("-v, --verbose", "more log output, and stack traces with errors")
    .showHelpAfterError("(run docsort --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => terminal().errSink.write(text) });
  const wanted = invokedCommand(argv);
  for (const command of COMMANDS) {
    if (wanted === "*" || (wanted !== undefined && command.names.includes(wanted)))
      (await command.load())(program);
    else for (const name of command.names) program.command(name).description(command.summary);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Every command fully registered: for tests and tools that inspect the whole CLI. */
export async function buildFullProgram(): Promise<Command> {
  return buildProgram(["*"]);
}

export function packageVersion(): string {
  const text = readFileSync(path.join(PACKAGE_FOLDER, "package.json"), "utf8");
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null && "version" in parsed
    ? String(parsed.version)
    : "0.0.0";
}

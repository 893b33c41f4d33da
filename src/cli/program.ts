import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerClassify } from "./commands/classify.js";
import { registerDecisions } from "./commands/decisions.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEval } from "./commands/eval.js";
import { registerExtract } from "./commands/extract.js";
import { registerHandlers } from "./commands/handlers.js";
import { registerInvoices } from "./commands/invoices.js";
import { registerList } from "./commands/list.js";
import { registerReclassify } from "./commands/reclassify.js";
import { registerRetry } from "./commands/retry.js";
import { registerReview } from "./commands/review.js";
import { registerRules } from "./commands/rules.js";
import { registerRuns } from "./commands/runs.js";
import { registerShow } from "./commands/show.js";
import { registerWatch } from "./commands/watch.js";

const COMMANDS: readonly ((program: Command) => void)[] = [
  registerWatch,
  registerClassify,
  registerExtract,
  registerList,
  registerShow,
  registerReview,
  registerDecisions,
  registerReclassify,
  registerRules,
  registerEval,
  registerHandlers,
  registerRuns,
  registerRetry,
  registerInvoices,
  registerDoctor,
];

export function buildProgram(): Command {
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
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of COMMANDS) register(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null && "version" in parsed
    ? String(parsed.version)
    : "0.0.0";
}

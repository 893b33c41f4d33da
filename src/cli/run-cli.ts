import { CommanderError } from "commander";
import { DocsortError, type ExitCode, errorMessage } from "../errors.js";
import { EXIT } from "./exit-status.js";
import { terminal } from "./output/terminal.js";
import { buildProgram } from "./program.js";

/** Parses argv, runs the command, and turns every error into one sentence and an exit code. */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  const program = await buildProgram(argv);
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  const term = terminal();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return normaliseExitCode(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
      if (error.code === "commander.help") return EXIT.ok;
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code: ExitCode = error instanceof DocsortError ? error.exitCode : EXIT.failed;
    term.err(`docsort: ${errorMessage(error)}`);
    if (verbose && error instanceof Error) {
      term.err(error.stack ?? "");
      if (error.cause instanceof Error) term.err(`caused by: ${error.cause.stack ?? error.cause.message}`);
    } else if (!(error instanceof DocsortError)) {
      term.err("docsort: run again with --verbose for details");
    }
    return code;
  } finally {
    term.status(undefined);
  }
}

function normaliseExitCode(code: string | number | undefined | null): ExitCode {
  if (code === EXIT.failed || code === EXIT.usage) return code;
  return EXIT.ok;
}

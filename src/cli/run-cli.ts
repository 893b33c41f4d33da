import { CommanderError } from "commander";
import { DocsortError, type ExitCode, errorMessage } from "../errors.js";
import { buildProgram } from "./program.js";

/** Parses argv, runs the command, and turns every error into one sentence and an exit code. */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  const program = await buildProgram(argv);
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return normaliseExitCode(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "commander.help") return 0;
      return error.exitCode === 0 ? 0 : 2;
    }
    const code: ExitCode = error instanceof DocsortError ? error.exitCode : 1;
    process.stderr.write(`docsort: ${errorMessage(error)}\n`);
    if (verbose && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ""}\n`);
      if (error.cause instanceof Error)
        process.stderr.write(`caused by: ${error.cause.stack ?? error.cause.message}\n`);
    } else if (!(error instanceof DocsortError)) {
      process.stderr.write("docsort: run again with --verbose for details\n");
    }
    return code;
  }
}

function normaliseExitCode(code: string | number | undefined | null): ExitCode {
  if (code === 1 || code === 2) return code;
  return 0;
}

import type { ExitCode } from "../errors.js";
import { endQuietlyWhenOutputCloses } from "./closed-output.js";
import { storeCommandOf } from "./command-path.js";
import { useDirectOutput } from "./output/terminal.js";
import { runCli } from "./run-cli.js";
import { chooseZodMode } from "./zod-mode.js";

/** One run of the CLI on `argv` (without node and the script): what both dist/main.js and the store bundle run. */
export async function runMain(argv: readonly string[]): Promise<ExitCode> {
  // the store-reading commands print their result and end; the others keep Node's streams (live line, daemon)
  if (storeCommandOf(argv)) useDirectOutput();
  else endQuietlyWhenOutputCloses();
  await chooseZodMode(argv);
  return runCli(argv);
}

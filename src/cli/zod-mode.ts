import { invokedCommand } from "./command-path.js";

/** Commands that run long and parse the same schemas for every document keep zod's compiled parsers. */
const LONG_RUNNING: ReadonlySet<string> = new Set(["watch", "serve"]);

/**
 * zod compiles a parser for each object schema on its first parse (`new Function`): worth it in the daemon, which
 * parses the same schemas for every document, not in a command that parses each of them once or a few times —
 * there the compiling is most of the parse (about half of loading the configuration). zod reads the setting when
 * a schema is made, so this runs before any command module is loaded. `--help` and `--version` load no zod.
 * Source: zod's `jitless` setting, https://zod.dev/packages/core (globalConfig).
 */
export async function chooseZodMode(argv: readonly string[]): Promise<"jit" | "jitless" | undefined> {
  const command = invokedCommand(argv);
  if (command === undefined) return undefined;
  if (LONG_RUNNING.has(command)) return "jit";
  const { z } = await import("zod");
  z.config({ jitless: true });
  return "jitless";
}

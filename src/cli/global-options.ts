import type { Command } from "commander";
import { z } from "zod";
import type { GlobalOptions } from "../app.js";
import { terminal } from "./output/terminal.js";
import { parseInput } from "./parse-input.js";

const globalSchema = z.object({
  config: z.string().min(1).optional(),
  home: z.string().min(1).optional(),
  inbox: z.string().min(1).optional(),
  verbose: z.boolean().optional(),
});

export function globalOptions(command: Command): GlobalOptions {
  const parsed = parseInput(globalSchema, command.optsWithGlobals());
  return {
    configPath: parsed.config,
    home: parsed.home,
    inbox: parsed.inbox,
    verbose: parsed.verbose ?? false,
    stderr: terminal().errSink,
  };
}

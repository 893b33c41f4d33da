import type { Command } from "commander";
import { z } from "zod";
import { configReference } from "../../config/config-reference.js";
import { loadConfig } from "../../config/load-config.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";

const configOptions = z.object({ reference: z.boolean().optional(), json: z.boolean().optional() });

export function registerConfig(program: Command): void {
  program
    .command("config")
    .description("print the effective configuration (defaults, file, environment and flags merged)")
    .option("--json", "print it as JSON")
    .option("--reference", "print the reference of every key as a Markdown table")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(configOptions, raw);
      if (options.reference) {
        printLine(configReference());
        return;
      }
      const config = loadConfig(globalOptions(command));
      if (options.json) printJson(config);
      else printLine(JSON.stringify(config, null, 2));
    });
}

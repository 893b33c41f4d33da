import { existsSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { loadConfig } from "../../config/load-config.js";
import { databasePath, readMarker, retireMarker } from "../../store/data-folder.js";
import { Store } from "../../store/store.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";

const initOptions = z.object({ force: z.boolean().optional(), json: z.boolean().optional() });

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create the data folder and its database; --force starts over when the database is gone")
    .option(
      "--force",
      "start over with an empty database although this data folder held one (every inbox file is taken in again)",
    )
    .option("--json", "print the result as JSON")
    .action((raw: unknown, command: Command) => {
      const options = parseInput(initOptions, raw);
      const { home } = loadConfig(globalOptions(command));
      const before = readMarker(home);
      const existed = existsSync(databasePath(home));
      const retired = options.force && !existed ? retireMarker(home) : undefined;
      const store = Store.open(home, { startOver: options.force === true });
      try {
        const databaseId = store.meta.get("database_id") ?? "";
        const result = {
          home,
          database: databasePath(home),
          databaseId,
          created: !existed,
          startedOver: before !== undefined && before.databaseId !== databaseId,
          previousMarker: retired ?? null,
        };
        if (options.json) return printJson(result);
        if (result.startedOver && !existed) {
          printLine(
            `started over: new database ${databaseId} in ${home}; the old marker is kept as ${retired}`,
          );
        } else if (result.startedOver) {
          printLine(`${home} now belongs to database ${databaseId} (it held ${before?.databaseId})`);
        } else if (result.created) printLine(`created ${result.database} (database ${databaseId})`);
        else printLine(`${result.database} is ready (database ${databaseId})`);
      } finally {
        store.close();
      }
    });
}

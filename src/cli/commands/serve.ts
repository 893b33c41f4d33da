import type { Command } from "commander";
import { App } from "../../app.js";
import { globalOptions } from "../global-options.js";
import { printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";
import { addServeOptions, serveOptionsSchema, startAnnouncedServer } from "../serve-options.js";
import { stopSignal } from "../stop-signal.js";

export function registerServe(program: Command): void {
  addServeOptions(
    program
      .command("serve")
      .description("the review app in the browser and the HTTP API, on 127.0.0.1 (prints the URL to open)"),
  ).action(async (raw: unknown, command: Command) => {
    const options = parseInput(serveOptionsSchema, raw);
    const app = App.open(globalOptions(command), false);
    const stop = stopSignal();
    try {
      const server = await startAnnouncedServer(app, options);
      printLine("Ctrl-C stops it; docsort token signs every browser out and makes a new token.");
      await stop.promise;
      await server.close();
    } finally {
      stop.dispose();
      app.close();
    }
  });
}

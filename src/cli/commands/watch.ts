import type { Command } from "commander";
import { App } from "../../app.js";
import { DocsortError, UsageError } from "../../errors.js";
import { ensureInbox } from "../../intake/inbox-folder.js";
import type { RunningServer } from "../../serve/server.js";
import { runWatch } from "../../watch-service.js";
import { globalOptions } from "../global-options.js";
import { parseInput } from "../parse-input.js";
import { ProgressReporter } from "../progress-reporter.js";
import { addServeOptions, serveOptionsSchema, startAnnouncedServer } from "../serve-options.js";
import { stopSignal } from "../stop-signal.js";

export function registerWatch(program: Command): void {
  const watch = program
    .command("watch")
    .description("watch the inbox and process every finished file (the daemon)")
    .option("--once", "process what is in the inbox now, then exit when every document is final")
    .option("--poll", "poll the folder instead of OS events (network shares)")
    .option("--serve", "also run the review app (docsort serve) in this process");
  addServeOptions(watch).action(
    async (options: { once?: boolean; poll?: boolean; serve?: boolean }, command: Command) => {
      const serveOptions = parseInput(serveOptionsSchema, options);
      if (!options.serve && (serveOptions.port !== undefined || serveOptions.host !== undefined)) {
        throw new UsageError("--port and --host go with --serve.");
      }
      const app = App.open(globalOptions(command), true, "create", (config) =>
        ensureInbox(config.inbox, config.inboxNamedBy),
      );
      const reporter = new ProgressReporter(app.config.inbox);
      const stop = stopSignal();
      let server: RunningServer | undefined;
      try {
        if (options.serve) server = await startAnnouncedServer(app, serveOptions);
        const result = await runWatch(app, {
          once: options.once === true,
          poll: options.poll === true,
          reporter,
          stopRequested: stop.promise,
        });
        if (options.once && result.waiting > 0 && result.reason !== "stopped") {
          throw new DocsortError(`${result.waiting} document(s) are still queued: ${result.reason}`);
        }
      } finally {
        await server?.close();
        stop.dispose();
        app.close();
      }
    },
  );
}

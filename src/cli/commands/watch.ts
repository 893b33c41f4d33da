import type { Command } from "commander";
import { App } from "../../app.js";
import { DocsortError } from "../../errors.js";
import { runWatch } from "../../watch-service.js";
import { globalOptions } from "../global-options.js";
import { ProgressReporter } from "../progress-reporter.js";

export function registerWatch(program: Command): void {
  program
    .command("watch")
    .description("watch the inbox and process every finished file (the daemon)")
    .option("--once", "process what is in the inbox now, then exit when every document is final")
    .option("--poll", "poll the folder instead of OS events (network shares)")
    .action(async (options: { once?: boolean; poll?: boolean }, command: Command) => {
      const app = App.open(globalOptions(command));
      const reporter = new ProgressReporter(app.config.inbox);
      const stop = stopSignal();
      try {
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
        stop.dispose();
        app.close();
      }
    });
}

function stopSignal(): { promise: Promise<void>; dispose: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const onSignal = () => resolve();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    promise,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

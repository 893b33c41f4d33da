import type { Command } from "commander";
import type { App } from "../app.js";
import { globalOptions } from "./global-options.js";

/**
 * Opens the app on existing data for one command (no console log lines) and always closes it. App is imported
 * here, not at the top: a command module that registers a reading subcommand too (invoices list) stays light.
 */
export async function withApp<T>(command: Command, fn: (app: App) => T | Promise<T>): Promise<T> {
  const { App } = await import("../app.js");
  const app = App.open(globalOptions(command), false, "existing");
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

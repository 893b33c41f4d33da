import type { Command } from "commander";
import { App } from "../app.js";
import { globalOptions } from "./global-options.js";

/** Opens the app on existing data for one command (no console log lines) and always closes it. */
export async function withApp<T>(command: Command, fn: (app: App) => T | Promise<T>): Promise<T> {
  const app = App.open(globalOptions(command), false, "existing");
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

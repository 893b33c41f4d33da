import type { Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { requireData } from "../store/data-folder.js";
import { Store } from "../store/store.js";
import { globalOptions } from "./global-options.js";

/** What a reading command works with: the configuration and the existing store. */
export interface ReadContext {
  config: Config;
  store: Store;
}

/**
 * Runs a command that reads the store (list, show, invoices list) on existing data and always closes it. Unlike
 * withApp it builds no App: no log file (pino), no model hosts, nothing of the pipeline is loaded — on a large
 * store, start-up is most of what such a command costs. Errors as withApp's (no data: DocsortError).
 */
export async function withStore<T>(
  command: Command,
  fn: (context: ReadContext) => T | Promise<T>,
): Promise<T> {
  const config = loadConfig(globalOptions(command));
  requireData(config.home);
  const store = Store.open(config.home);
  try {
    return await fn({ config, store });
  } finally {
    store.close();
  }
}

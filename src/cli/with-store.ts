import type { Command } from "commander";
import { loadReadingConfig, type ReadingConfig } from "../config/load-reading-config.js";
import { requireData } from "../store/data-folder.js";
import { Store } from "../store/store.js";
import { globalOptions } from "./global-options.js";

/** What a reading command works with: the configuration keys it reads and the existing store. */
export interface ReadContext {
  config: ReadingConfig;
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
  const config = loadReadingConfig(globalOptions(command));
  requireData(config.home);
  const store = Store.open(config.home);
  try {
    return await fn({ config, store });
  } finally {
    store.close();
  }
}

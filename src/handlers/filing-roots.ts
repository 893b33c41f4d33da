import path from "node:path";
import type { Config } from "../config/schema.js";
import type { Store } from "../store/store.js";
import { filingConfigSchema } from "./file-document.js";

/**
 * Folders docsort files documents into: the invoice archive and the roots of move/copy handlers. Intake must never
 * take a filed file back in, so these are excluded from the inbox when they lie inside it.
 */
export function filingRoots(store: Store, config: Config): string[] {
  const roots = [path.resolve(config.home, config.invoices.archiveDir)];
  for (const handler of store.handlers.list()) {
    if (handler.kind !== "move" && handler.kind !== "copy") continue;
    const parsed = filingConfigSchema.safeParse(handler.config);
    if (parsed.success) roots.push(path.resolve(parsed.data.root));
  }
  return [...new Set(roots)];
}

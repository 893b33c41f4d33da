import { mkdirSync, statSync } from "node:fs";
import { DocsortError } from "../errors.js";

/**
 * Makes sure the watched folder is there before anything starts. The default `inbox` folder is created on first
 * use; a folder the user named (`--inbox`, `DOCSORT_INBOX`, `inbox` in the config file) never is: a typo would
 * be watched as a new empty folder, and a network share that is not mounted yet would have its mount point
 * filled instead.
 *
 * `namedBy` says who named it (Config.inboxNamedBy), undefined for the default. Throws DocsortError (exit 1)
 * when a named inbox is missing, or when the path is something other than a folder.
 */
export function ensureInbox(inbox: string, namedBy: string | undefined): void {
  const stats = statSync(inbox, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return;
  if (stats) throw new DocsortError(`the inbox ${inbox} (${namedBy ?? "default"}) is not a folder.`);
  if (namedBy) {
    throw new DocsortError(
      `the inbox ${inbox} does not exist (named by ${namedBy}): check the spelling, mount it, or create it (mkdir -p "${inbox}").`,
    );
  }
  mkdirSync(inbox, { recursive: true });
}

import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";

/** What a scan finds: regular files, and what docsort never reads through (links, FIFOs, sockets, devices). */
export interface InboxEntry {
  path: string;
  type: "file" | "symlink" | "special";
}

export interface InboxListing {
  entries: InboxEntry[];
  /** Sub-folders that could not be listed (permission denied): the rest of the inbox is still scanned. */
  unreadable: { path: string; code: string }[];
}

/**
 * Walks the inbox without following symbolic links (a link never leads the scan outside the inbox). A folder that
 * cannot be read is reported and skipped; it never stops the scan of the others.
 */
export async function listInbox(root: string, isIgnored: (p: string) => boolean): Promise<InboxListing> {
  const listing: InboxListing = { entries: [], unreadable: [] };
  const folders = [root];
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    let children: Dirent[];
    try {
      children = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "EIO";
      if (code === "ENOENT" || code === "ENOTDIR") continue; // gone since its parent was read
      if (dir === root) throw error;
      listing.unreadable.push({ path: dir, code });
      continue;
    }
    for (const child of children) {
      const full = path.join(dir, child.name);
      if (isIgnored(full)) continue;
      if (child.isDirectory()) folders.push(full);
      else if (child.isFile()) listing.entries.push({ path: full, type: "file" });
      else if (child.isSymbolicLink()) listing.entries.push({ path: full, type: "symlink" });
      else listing.entries.push({ path: full, type: "special" });
    }
  }
  listing.entries.sort((a, b) => a.path.localeCompare(b.path));
  return listing;
}

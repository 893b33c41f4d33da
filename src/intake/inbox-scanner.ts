import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";

/** Every regular file below `root` whose path is not ignored (hidden folders are skipped whole). */
export async function listInboxFiles(root: string, isIgnored: (p: string) => boolean): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (isIgnored(full) || inHiddenFolder(root, full)) continue;
    files.push(full);
  }
  return files.sort();
}

function inHiddenFolder(root: string, file: string): boolean {
  const relative = path.relative(root, path.dirname(file));
  return relative !== "" && relative.split(path.sep).some((part) => part.startsWith("."));
}

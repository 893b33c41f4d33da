import { createHash } from "node:crypto";
import { lstatSync, type Stats } from "node:fs";
import { open, readlink } from "node:fs/promises";
import { OPEN_NO_FOLLOW, READ_AT_ONCE_BYTES, readSmallFile } from "../extract/read-small-file.js";
import { sha256OfHandle } from "./hash-file.js";

/** Why a path in the inbox is not read: each becomes a quarantined document with a reason. */
export type InboxProblemCode =
  | "symlink"
  | "special_file"
  | "too_large"
  | "permission_denied"
  | "unreadable_folder";

export interface InboxProblem {
  path: string;
  code: InboxProblemCode;
  reason: string;
  size: number;
  mtimeMs: number;
}

export type Inspection =
  | { kind: "file"; path: string; size: number; mtimeMs: number; sha256: string; links: number }
  | ({ kind: "problem" } & InboxProblem)
  | { kind: "gone" }
  /** It changed while it was read: offer it again. */
  | { kind: "changed"; stats: Stats };

const MiB = 1024 * 1024;

/**
 * Looks at one inbox path without following links and hashes it if it is a regular file docsort may read: the
 * size limit is checked before a single byte is read, the file is opened with O_NOFOLLOW (a link swapped in at the
 * last moment is refused) and O_NONBLOCK (a FIFO swapped in cannot hang the read), and the open file must be the
 * one that was looked at. A small file is looked at and read with blocking calls (READ_AT_ONCE_BYTES).
 */
export async function inspectFile(file: string, maxBytes: number): Promise<Inspection> {
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch (error) {
    return failed(file, error, undefined);
  }
  if (stats.isSymbolicLink()) return problem(file, stats, "symlink", await linkReason(file));
  if (!stats.isFile())
    return problem(file, stats, "special_file", `${specialKind(stats)}, not a regular file: nothing to read`);
  if (stats.size > maxBytes) {
    return problem(
      file,
      stats,
      "too_large",
      `file too large: ${mb(stats.size)} is over the limit of ${mb(maxBytes)} (extract.maxFileBytes); it was not read`,
    );
  }
  if (stats.size <= READ_AT_ONCE_BYTES) return inspectSmall(file, stats, maxBytes);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, OPEN_NO_FOLLOW);
  } catch (error) {
    return failed(file, error, stats);
  }
  try {
    const opened = await handle.stat();
    if (!sameFile(stats, opened)) return { kind: "changed", stats: opened };
    const sha256 = await sha256OfHandle(handle, opened.size);
    return hashed(file, stats, await handle.stat(), sha256);
  } catch (error) {
    return failed(file, error, stats);
  } finally {
    await handle.close();
  }
}

function inspectSmall(file: string, stats: Stats, maxBytes: number): Inspection {
  try {
    const { opened, bytes, after } = readSmallFile(file, maxBytes);
    // grown past the size read at once since it was looked at: looked at again, and read asynchronously
    if (!sameFile(stats, opened) || !bytes) return { kind: "changed", stats: opened };
    return hashed(file, stats, after, createHash("sha256").update(bytes).digest("hex"));
  } catch (error) {
    return failed(file, error, stats);
  }
}

/** The opened file is the regular file that was looked at (lstat), not one swapped in since. */
function sameFile(looked: Stats, opened: Stats): boolean {
  return opened.isFile() && opened.ino === looked.ino && opened.dev === looked.dev;
}

/** The file as hashed, unless its size or mtime moved while it was read. */
function hashed(file: string, stats: Stats, after: Stats, sha256: string): Inspection {
  if (after.size !== stats.size || after.mtimeMs !== stats.mtimeMs) return { kind: "changed", stats: after };
  return { kind: "file", path: file, size: stats.size, mtimeMs: stats.mtimeMs, sha256, links: stats.nlink };
}

function failed(file: string, error: unknown, stats: Stats | undefined): Inspection {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { kind: "gone" };
  if (code === "ELOOP" && stats)
    return problem(
      file,
      stats,
      "symlink",
      "a symbolic link (it replaced the file): docsort never follows links",
    );
  if (code === "EACCES" || code === "EPERM") {
    return {
      kind: "problem",
      path: file,
      code: "permission_denied",
      reason: `permission denied: docsort (user ${process.getuid?.() ?? "?"}) cannot read this file; give it read permission and docsort takes it in`,
      size: stats?.size ?? 0,
      mtimeMs: stats?.mtimeMs ?? 0,
    };
  }
  throw error;
}

function problem(file: string, stats: Stats, code: InboxProblemCode, reason: string): Inspection {
  return { kind: "problem", path: file, code, reason, size: stats.size, mtimeMs: stats.mtimeMs };
}

async function linkReason(file: string): Promise<string> {
  const target = await readlink(file).catch(() => "?");
  return `a symbolic link (to ${target}): docsort never follows links, which could lead outside the inbox; put the file itself in the inbox`;
}

function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isDirectory()) return "a folder";
  return "a special file";
}

function mb(bytes: number): string {
  return bytes >= 1024 * MiB ? `${(bytes / 1024 / MiB).toFixed(1)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`;
}

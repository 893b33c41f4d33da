import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, copyFile, link, lstat, mkdir, open, realpath, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../intake/hash-file.js";
import { resolveInside } from "./path-template.js";

export interface FileOps {
  link(existing: string, target: string): Promise<void>;
  /** Called before a temporary file is created next to the target, and after it is gone (crash recovery). */
  registerScratch?(file: string): void;
  forgetScratch?(file: string): void;
}

const realOps: FileOps = { link };

/** The temporary name of a copy in progress: `.docsort-<pid>-<random>.tmp`, ignored by intake (a dotfile). */
export const SCRATCH_NAME = /^\.docsort-\d+-[0-9a-f]{12}\.tmp$/;

export interface Placement {
  source: string;
  sha256: string;
  root: string;
  relativePath: string;
  mode: "copy" | "move";
  /** Owner-only files and folders (the invoice archive inside the data folder). */
  private?: boolean;
  /** The inbox: a source below it must not lead out of it through a symbolic link. */
  sourceRoot?: string;
}

export interface Placed {
  path: string;
  reused: boolean;
  method: "link" | "copy" | "existing";
}

const MAX_SUFFIX = 999;

/**
 * Files `source` at root/relativePath without ever overwriting: a taken name gets a suffix (`name-1.pdf`), and a
 * name that already holds the same content is reused (a repeated attempt). A copy is written to a temporary
 * name, fsynced, checked against the content hash, then linked into place. A move is a hard link plus unlink on
 * the same filesystem; across filesystems it is that copy, and the original is removed only after the check.
 */
export async function placeFile(placement: Placement, ops: FileOps = realOps): Promise<Placed> {
  await checkSource(placement.source, placement.sourceRoot);
  const target = resolveInside(placement.root, placement.relativePath);
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true, ...(placement.private ? { mode: 0o700 } : {}) });
  await ensureInsideRoot(placement.root, dir);
  for (let n = 0; n <= MAX_SUFFIX; n += 1) {
    const candidate = n === 0 ? target : withSuffix(target, n);
    if (path.resolve(placement.source) === candidate)
      return { path: candidate, reused: true, method: "existing" };
    if (await exists(candidate)) {
      if ((await sha256File(candidate)) !== placement.sha256) continue;
      if (placement.mode === "move") await removeIfSame(placement.source, placement.sha256);
      return { path: candidate, reused: true, method: "existing" };
    }
    const placed = await tryPlace(placement, candidate, ops);
    if (placed) return placed;
  }
  throw new Error(`more than ${MAX_SUFFIX} files are already named like ${target}`);
}

async function tryPlace(placement: Placement, candidate: string, ops: FileOps): Promise<Placed | undefined> {
  if (placement.mode === "move") {
    try {
      await ops.link(placement.source, candidate);
      await unlink(placement.source);
      await syncDir(path.dirname(candidate));
      await syncDir(path.dirname(placement.source));
      return { path: candidate, reused: false, method: "link" };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return undefined;
      if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    }
  }
  const temporary = path.join(
    path.dirname(candidate),
    `.docsort-${process.pid}-${randomBytes(6).toString("hex")}.tmp`,
  );
  ops.registerScratch?.(temporary);
  try {
    await copyFile(placement.source, temporary, constants.COPYFILE_EXCL);
    if (placement.private) await chmod(temporary, 0o600);
    await fsyncFile(temporary);
    const copied = await sha256File(temporary);
    if (copied !== placement.sha256) {
      throw new Error(
        `the copy of ${placement.source} does not match its content hash (the file changed since docsort read it)`,
      );
    }
    try {
      await ops.link(temporary, candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
      throw error;
    }
    await syncDir(path.dirname(candidate));
    if (placement.mode === "move") {
      await unlink(placement.source);
      await syncDir(path.dirname(placement.source));
    }
    return { path: candidate, reused: false, method: "copy" };
  } finally {
    await unlink(temporary).catch(() => undefined);
    ops.forgetScratch?.(temporary);
  }
}

/**
 * docsort never moves, copies or reads anything through a link: the source must be a regular file (not a link),
 * and a source below the inbox must really be inside it (no linked folder on the way to somewhere else).
 */
async function checkSource(source: string, sourceRoot: string | undefined): Promise<void> {
  // gone: an earlier attempt moved it (the placement then finds it at its target), or it really is gone
  const stats = await lstat(source).catch(() => undefined);
  if (!stats) return;
  if (!stats.isFile())
    throw Object.assign(
      new Error(`${source} is not a regular file (a symbolic link?): docsort never files through links`),
      { code: "ELINK" },
    );
  if (sourceRoot === undefined || !isInside(path.resolve(source), path.resolve(sourceRoot))) return;
  const [real, realRoot] = await Promise.all([realpath(source), realpath(sourceRoot)]);
  if (!isInside(real, realRoot))
    throw Object.assign(
      new Error(`${source} leads outside the inbox (to ${real}) through a symbolic link: not filed`),
      { code: "ELINK" },
    );
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir + path.sep);
}

/** A folder below root that is a symlink to somewhere else must not carry files out of root. */
async function ensureInsideRoot(root: string, dir: string): Promise<void> {
  const realRoot = await realpath(root);
  const realDir = await realpath(dir);
  if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep))
    throw new Error(`${dir} leads outside the root folder ${root} (a symbolic link?)`);
}

function withSuffix(file: string, n: number): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${n}${ext}`;
}

async function removeIfSame(file: string, sha256: string): Promise<void> {
  if ((await exists(file)) && (await sha256File(file)) === sha256) await unlink(file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or unlink durable; some filesystems refuse to fsync a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    await fsyncFile(dir);
  } catch {
    // not supported here
  }
}

import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, unlink } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../intake/hash-file.js";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "./data-folder.js";

const SCRATCH = "tmp";

/**
 * Content-addressed copies of files docsort found inside other files (attachments, archive members), at
 * blobs/ab/<sha256>. Safe under concurrency: every writer uses its own temporary file and links it into place;
 * a name that is already taken (the same attachment twice, another process) is a success once its content is
 * checked. Files are owner-only.
 */
export class BlobStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array): Promise<{ sha256: string; path: string }> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const target = this.pathOf(sha256);
    await mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
    const scratch = path.join(this.root, SCRATCH);
    await mkdir(scratch, { recursive: true, mode: PRIVATE_DIR_MODE });
    const temporary = path.join(scratch, `${process.pid}-${randomBytes(8).toString("hex")}`);
    try {
      await writeDurably(temporary, bytes);
      await placeOnce(temporary, target, sha256);
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    return { sha256, path: target };
  }

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Temporary files of processes that are gone (killed mid-write); run at start. Returns how many. */
  async removeLeftovers(alive: (pid: number) => boolean): Promise<number> {
    let names: string[];
    try {
      names = await readdir(path.join(this.root, SCRATCH));
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const pid = Number(name.split("-")[0]);
      if (Number.isInteger(pid) && alive(pid)) continue;
      await unlink(path.join(this.root, SCRATCH, name)).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, "wx", PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** link() never replaces: EEXIST means someone placed it first; that copy must have the right content. */
async function placeOnce(temporary: string, target: string, sha256: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await link(temporary, target);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if ((await sha256File(target).catch(() => undefined)) === sha256) return;
    // a damaged blob (a crash before it was written whole, on an older docsort): replace it
    await unlink(target).catch(() => undefined);
  }
  throw new Error(`cannot store ${sha256}: ${target} keeps changing`);
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SmallDisk {
  path: string;
  /** Fills the disk to the last byte with a file; `free()` removes it. */
  fill(): void;
  free(): void;
  unmount(): void;
}

/**
 * A real, small filesystem (tmpfs) to fill up: needs root and mount(2), which the CI machine has. Returns
 * undefined where it cannot be had; the caller skips with that reason.
 */
export function mountSmallDisk(sizeKb: number): SmallDisk | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), "docsort-disk-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0700`, "tmpfs", dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const filler = path.join(dir, "filler");
  return {
    path: dir,
    fill() {
      // dd stops with ENOSPC once the filesystem is full (exit status 1): that is the point
      spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=4k"], { stdio: "ignore" });
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      spawnSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { unlink } from "node:fs/promises";
import path from "node:path";
import { SCRATCH_NAME } from "../handlers/file-placement.js";
import type { Logger } from "../log/logger.js";
import type { BlobStore } from "../store/blob-store.js";
import type { Store } from "../store/store.js";
import { pidAlive } from "./instance-registry.js";

/**
 * At start: temporary files that a killed docsort left half-written — `.docsort-*.tmp` copies next to filing
 * targets (known from the store, so nothing else in the user's folders is touched) and unfinished blobs — are
 * removed. The copy itself is redone by the handler run, which is run again.
 */
export async function removeLeftovers(store: Store, blobs: BlobStore, logger: Logger): Promise<number> {
  let removed = 0;
  for (const scratch of store.scratch.all()) {
    if (pidAlive(scratch.pid) && scratch.pid !== process.pid) continue;
    if (SCRATCH_NAME.test(path.basename(scratch.path))) {
      try {
        await unlink(scratch.path);
        removed += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          logger.warn(`cannot remove the leftover ${scratch.path}: ${(error as Error).message}`);
          continue;
        }
      }
    }
    store.scratch.forget(scratch.path);
  }
  removed += await blobs.removeLeftovers((pid) => pid !== process.pid && pidAlive(pid));
  if (removed > 0)
    logger.info(`removed ${removed} temporary file(s) left by a docsort that was stopped mid-write`);
  return removed;
}

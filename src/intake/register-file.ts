import { existsSync } from "node:fs";
import path from "node:path";
import { nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import type { StableFile } from "./stability-tracker.js";

export type RegisterOutcome =
  | { kind: "new"; document: DocumentRecord }
  | { kind: "known"; document: DocumentRecord }
  | { kind: "renamed"; document: DocumentRecord; from: string }
  | { kind: "duplicate"; document: DocumentRecord; original: DocumentRecord };

export interface HashedFile extends StableFile {
  sha256: string;
}

/**
 * Identity is the content hash: new content is a new document; the same content at a path where the first copy
 * no longer is, is a rename; the same content while the first copy is still there is a duplicate of it.
 */
export function registerFile(
  store: Store,
  file: HashedFile,
  fileExists: (p: string) => boolean = existsSync,
  source = "inbox",
): RegisterOutcome {
  return store.transaction(() => {
    const now = nowIso();
    const outcome = decide(store, file, fileExists, source, now);
    store.files.record({
      path: file.path,
      size: file.size,
      mtimeMs: file.mtimeMs,
      sha256: file.sha256,
      documentId: outcome.document.id,
      seenAt: now,
    });
    return outcome;
  });
}

function decide(
  store: Store,
  file: HashedFile,
  fileExists: (p: string) => boolean,
  source: string,
  now: string,
): RegisterOutcome {
  const name = path.basename(file.path);
  const original = store.documents.findOriginal(file.sha256);
  if (!original) {
    const document = store.documents.insert(
      { sha256: file.sha256, path: file.path, name, size: file.size, status: "queued" },
      now,
    );
    store.events.add(
      { documentId: document.id, type: "discovered", toStatus: "queued", message: `found in ${source}` },
      now,
    );
    return { kind: "new", document };
  }
  if (original.path === file.path) return { kind: "known", document: original };
  const earlierDuplicate = store.documents.findDuplicateAt(file.sha256, file.path);
  if (earlierDuplicate) return { kind: "known", document: earlierDuplicate };

  if (original.parentId === null && !stillHolds(store, original, fileExists)) {
    store.documents.update(original.id, { path: file.path, name }, now);
    store.events.add(
      {
        documentId: original.id,
        type: "renamed",
        message: `${original.path} → ${file.path}`,
        data: { from: original.path },
      },
      now,
    );
    const document = store.documents.get(original.id) ?? original;
    return { kind: "renamed", document, from: original.path };
  }

  const reason = `same content as document #${original.id} (${original.name})`;
  const document = store.documents.insert(
    {
      sha256: file.sha256,
      path: file.path,
      name,
      size: file.size,
      status: "duplicate",
      duplicateOf: original.id,
      reason,
    },
    now,
  );
  store.events.add(
    {
      documentId: document.id,
      type: "duplicate",
      toStatus: "duplicate",
      message: reason,
      data: { of: original.id },
    },
    now,
  );
  return { kind: "duplicate", document, original };
}

/** Whether the first copy is still where it was, with the same content as far as docsort last saw. */
function stillHolds(store: Store, original: DocumentRecord, fileExists: (p: string) => boolean): boolean {
  if (!fileExists(original.path)) return false;
  const sighting = store.files.get(original.path);
  return sighting === undefined || sighting.sha256 === original.sha256;
}

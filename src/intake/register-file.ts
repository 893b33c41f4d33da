import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { laneOf } from "../extract/lane.js";
import { nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import type { InboxProblem } from "./inspect-file.js";
import type { StableFile } from "./stability-tracker.js";

export type RegisterOutcome =
  | { kind: "new"; document: DocumentRecord }
  | { kind: "known"; document: DocumentRecord }
  | { kind: "renamed"; document: DocumentRecord; from: string }
  | { kind: "duplicate"; document: DocumentRecord; original: DocumentRecord };

export interface HashedFile extends StableFile {
  sha256: string;
  /** Hard links to the same content elsewhere (st_nlink); above 1 it is noted on the document. */
  links?: number;
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
    const document = readableAgain(store, file, now) ?? insertNew(store, file, name, source, now);
    noteHardLinks(store, document.id, file, now);
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
  noteHardLinks(store, document.id, file, now);
  return { kind: "duplicate", document, original };
}

/** A file with more than one hard link (st_nlink) gets a `hard_link` event: its content has other names. */
function noteHardLinks(store: Store, documentId: number, file: HashedFile, now: string): void {
  if ((file.links ?? 1) <= 1) return;
  store.events.add(
    {
      documentId,
      type: "hard_link",
      message: `this file has ${file.links} hard links: its content is also reachable under other names; a move handler moves only this one`,
      data: { links: file.links },
    },
    now,
  );
}

function insertNew(
  store: Store,
  file: HashedFile,
  name: string,
  source: string,
  now: string,
): DocumentRecord {
  const document = store.documents.insert(
    {
      sha256: file.sha256,
      path: file.path,
      name,
      size: file.size,
      status: "queued",
      lane: laneOf(name, file.size),
    },
    now,
  );
  store.events.add(
    { documentId: document.id, type: "discovered", toStatus: "queued", message: `found in ${source}` },
    now,
  );
  return document;
}

/** A file that could not be read (permission denied) can be now: its quarantined record takes it up. */
function readableAgain(store: Store, file: HashedFile, now: string): DocumentRecord | undefined {
  const placeholder = store.documents.findOriginal(placeholderSha256("permission_denied", file.path, 0, 0));
  if (placeholder?.status !== "quarantined") return undefined;
  store.documents.update(
    placeholder.id,
    { sha256: file.sha256, size: file.size, status: "queued", reason: null, claimedBy: null },
    now,
  );
  store.events.add(
    {
      documentId: placeholder.id,
      type: "readable",
      fromStatus: "quarantined",
      toStatus: "queued",
      message: "the file can be read now; taken in",
    },
    now,
  );
  return store.documents.get(placeholder.id);
}

/**
 * A path docsort does not read (a link, a FIFO, a file too large, one it may not read, a folder it may not list)
 * is recorded as a quarantined document with the reason, so nothing in the inbox is skipped silently. Its identity
 * is derived from the path (its content is not read): the same problem at the same path is recorded once.
 */
export function registerProblem(store: Store, problem: InboxProblem, source = "inbox"): RegisterOutcome {
  return store.transaction(() => {
    const now = nowIso();
    const sha256 = placeholderSha256(problem.code, problem.path, problem.size, problem.mtimeMs);
    const known = store.documents.findOriginal(sha256);
    if (known) return { kind: "known", document: known };
    const document = store.documents.insert(
      {
        sha256,
        path: problem.path,
        name: path.basename(problem.path),
        size: problem.size,
        status: "quarantined",
        reason: problem.reason,
      },
      now,
    );
    store.events.add(
      {
        documentId: document.id,
        type: "quarantined",
        toStatus: "quarantined",
        message: `found in ${source}: ${problem.reason}`,
        data: { code: problem.code },
      },
      now,
    );
    // rescans skip what cannot change by itself; an unreadable file or folder is looked at again each time
    if (problem.code !== "permission_denied" && problem.code !== "unreadable_folder") {
      store.files.record({
        path: problem.path,
        size: problem.size,
        mtimeMs: problem.mtimeMs,
        sha256,
        documentId: document.id,
        seenAt: now,
      });
    }
    return { kind: "new", document };
  });
}

/** Identity of a path whose content is not read; never equal to a content hash (a different input space). */
export function placeholderSha256(code: string, file: string, size: number, mtimeMs: number): string {
  const detail = code === "too_large" ? `\0${size}\0${mtimeMs}` : "";
  return createHash("sha256").update(`docsort-unread\0${code}\0${file}${detail}`).digest("hex");
}

/** Whether the first copy is still where it was, with the same content as far as docsort last saw. */
function stillHolds(store: Store, original: DocumentRecord, fileExists: (p: string) => boolean): boolean {
  if (!fileExists(original.path)) return false;
  const sighting = store.files.get(original.path);
  return sighting === undefined || sighting.sha256 === original.sha256;
}

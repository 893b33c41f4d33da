import { laneOf } from "../extract/lane.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { takeOverUnread, wasRead } from "./unread-original.js";

/** A file docsort found inside something else (an attachment, an archive member, a message taken by mail). */
export interface FoundFile {
  sha256: string;
  /** Where the bytes are (the blob store). */
  blobPath: string;
  /** What the document is called: `parent#name`, or a message's IMAP URL. */
  path: string;
  name: string;
  size: number;
  parentId?: number | null;
  depth?: number;
}

/**
 * Registers a found file inside the caller's transaction: new content is a queued document, like a file dropped
 * into the inbox; content docsort already has is a `duplicate` of it, never classified again — unless the document
 * that has it was never read, then this copy is read instead. `origin` is the discovery event's message.
 */
export function registerFoundFile(
  store: Store,
  file: FoundFile,
  origin: string,
  now: string,
): DocumentRecord {
  const original = store.documents.findOriginal(file.sha256);
  if (original && !wasRead(store, original)) return takeOverUnread(store, original, file, origin, now);
  if (original) {
    const reason = `same content as document #${original.id} (${original.name})`;
    const duplicate = store.documents.insert(
      { ...file, status: "duplicate", duplicateOf: original.id, reason },
      now,
    );
    store.events.add(
      { documentId: duplicate.id, type: "duplicate", toStatus: "duplicate", message: reason },
      now,
    );
    return duplicate;
  }
  const document = store.documents.insert(
    { ...file, status: "queued", lane: laneOf(file.name, file.size) },
    now,
  );
  store.events.add({ documentId: document.id, type: "discovered", toStatus: "queued", message: origin }, now);
  return document;
}

import type { DocumentRecord } from "../../store/documents-repo.js";
import type { Store } from "../../store/store.js";

export interface StoredMailFile {
  sha256: string;
  /** Where the bytes are (the blob store). */
  blobPath: string;
  /** What the document is called: the message's IMAP URL, `#name` for an attachment. */
  path: string;
  name: string;
  size: number;
}

/**
 * Registers one file that came by mail, inside the caller's transaction: new content is a queued document, like
 * a file dropped into the inbox; content docsort already has is a `duplicate` of it, never classified again.
 */
export function registerMailDocument(
  store: Store,
  file: StoredMailFile,
  origin: string,
  now: string,
): DocumentRecord {
  const common = {
    sha256: file.sha256,
    path: file.path,
    name: file.name,
    size: file.size,
    blobPath: file.blobPath,
  };
  const original = store.documents.findOriginal(file.sha256);
  if (original) {
    const reason = `same content as document #${original.id} (${original.name})`;
    const duplicate = store.documents.insert(
      { ...common, status: "duplicate", duplicateOf: original.id, reason },
      now,
    );
    store.events.add(
      { documentId: duplicate.id, type: "duplicate", toStatus: "duplicate", message: `${reason}; ${origin}` },
      now,
    );
    return duplicate;
  }
  const document = store.documents.insert({ ...common, status: "queued" }, now);
  store.events.add({ documentId: document.id, type: "discovered", toStatus: "queued", message: origin }, now);
  return document;
}

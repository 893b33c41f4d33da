import type { DocumentRecord, NewDocument } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";

/**
 * A document is identified by its content, so a second copy of the same bytes becomes a `duplicate` of the first.
 * That is wrong when the first was never read — quarantined, say, under a name that hid its type, while the copy
 * attached to an e-mail carries a name that reveals it. Then the attached copy is read, and the unread one links to
 * it instead.
 */

/** A document that ended without text (quarantined, or failed before extraction) was never read. */
export function wasRead(store: Store, document: DocumentRecord): boolean {
  if (document.status !== "quarantined" && document.status !== "failed") return true;
  return store.extractions.latest(document.id) !== undefined;
}

/**
 * A newly found file with the content of `unread` becomes the original and is queued; `unread` links to it.
 * `origin` says where the file was found (the discovery event's message).
 */
export function takeOverUnread(
  store: Store,
  unread: DocumentRecord,
  found: Omit<NewDocument, "status">,
  origin: string,
  now: string,
): DocumentRecord {
  // Linked first, so the content stays unique among originals at every step.
  const inserted = store.documents.insert({ ...found, status: "queued", duplicateOf: unread.id }, now);
  relink(store, unread, inserted, now);
  store.events.add(
    {
      documentId: inserted.id,
      type: "discovered",
      toStatus: "queued",
      message: `${origin}; the same content as document #${unread.id}, which was not read (${unread.status}), is read here`,
      data: { sameContentAs: unread.id },
    },
    now,
  );
  return inserted;
}

/**
 * A document that just ended unread: a copy found inside another document (an attachment) that was marked its
 * duplicate meanwhile is queued to be read instead.
 */
export function handOverToCopy(store: Store, ended: DocumentRecord, now: string): void {
  if (wasRead(store, ended)) return;
  const copy = store.documents
    .duplicatesOf(ended.id)
    .find((d) => d.parentId !== null && d.status === "duplicate");
  if (!copy) return;
  relink(store, ended, copy, now);
  store.documents.update(copy.id, { status: "queued", reason: null }, now);
  store.events.add(
    {
      documentId: copy.id,
      type: "requeued",
      fromStatus: "duplicate",
      toStatus: "queued",
      message: `document #${ended.id}, whose content this is, was not read (${ended.status}): this copy is read instead`,
      data: { sameContentAs: ended.id },
    },
    now,
  );
}

/** `copy` becomes the original of the content; `unread` and its other duplicates link to it. */
function relink(store: Store, unread: DocumentRecord, copy: DocumentRecord, now: string): void {
  store.documents.update(unread.id, { duplicateOf: copy.id }, now);
  store.documents.update(copy.id, { duplicateOf: null }, now);
  for (const other of store.documents.duplicatesOf(unread.id)) {
    if (other.id !== copy.id) store.documents.update(other.id, { duplicateOf: copy.id }, now);
  }
  store.events.add(
    {
      documentId: unread.id,
      type: "read_elsewhere",
      message: `the same content is read as document #${copy.id}`,
      data: { readAs: copy.id },
    },
    now,
  );
}

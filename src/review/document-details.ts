import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";

const EXCERPT_CHARS = 800;

/**
 * Everything known about one document: the extraction (with a text excerpt), the classification history, events,
 * related documents, handler runs, the invoice and, for mail, the message it came in. What `docsort show` prints and the review app's document page.
 */
export function documentDetails(store: Store, document: DocumentRecord) {
  const extraction = store.extractions.latest(document.id);
  return {
    document,
    extraction: extraction
      ? {
          method: extraction.method,
          mime: extraction.mime,
          chars: extraction.chars,
          pages: extraction.pages,
          pagesRead: extraction.pagesRead,
          encoding: extraction.encoding,
          language: extraction.language,
          ocrConfidence: extraction.ocrConfidence,
          warnings: extraction.warnings,
          durationMs: extraction.durationMs,
          excerpt: extraction.text.slice(0, EXCERPT_CHARS),
        }
      : null,
    classifications: store.classifications.history(document.id),
    events: store.events.forDocument(document.id),
    parent: document.parentId ? (store.documents.get(document.parentId) ?? null) : null,
    children: store.documents.children(document.id),
    duplicateOf: document.duplicateOf ? (store.documents.get(document.duplicateOf) ?? null) : null,
    duplicates: store.documents.duplicatesOf(document.id),
    handlerRuns: store.handlerRuns.forDocument(document.id),
    invoice: store.invoices.forDocument(document.id) ?? null,
    mail: store.mailMessages.originOf(document.id) ?? null,
  };
}

export type DocumentDetails = ReturnType<typeof documentDetails>;

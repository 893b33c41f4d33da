export const name = "extraction-lanes";

/**
 * documents.lane: where the document is read. `light` (small plain-text formats: text, CSV, HTML, e-mail) is read
 * in the daemon itself, at once; `heavy` (PDF, images and OCR, office files, archives, anything large or unknown)
 * in the extraction processes. Decided when the document is registered, from its name, size and first bytes; the
 * content decides in the end (a "light" file that turns out to be a PDF goes to the processes). Documents from
 * before this migration are `heavy`: read as they always were.
 * documents_queue: the claim order of each lane (fresh work first by id, then retries by their due time), read
 * straight from the index.
 */
export const sql = `
ALTER TABLE documents ADD COLUMN lane TEXT NOT NULL DEFAULT 'heavy' CHECK (lane IN ('light', 'heavy'));
CREATE INDEX documents_queue ON documents(status, lane, next_attempt_at, id);
`;

export const name = "lighter-writes";

/**
 * Indexes no reader needs any more, each one more B-tree (and usually one more page) in a commit of the daemon:
 * - events_to_status, events_document_time: since schema version 10, `stats` reads what triggers keep
 *   (document_finished, finished_per_day, document_stages) and scans events only on older stores, which it opens
 *   read-only; every event written (about six per document) updated both. The documents' own timelines read
 *   events through events_document.
 * - classifications_document (document_id, id): classifications_current (document_id, id, category) serves the
 *   same lookups.
 */
export const sql = `
DROP INDEX IF EXISTS events_to_status;
DROP INDEX IF EXISTS events_document_time;
DROP INDEX IF EXISTS classifications_document;
`;

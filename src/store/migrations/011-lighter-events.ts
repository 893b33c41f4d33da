export const name = "lighter-events";

/**
 * Since schema version 10, `stats` reads what triggers keep (document_finished, finished_per_day,
 * document_stages), and scans events only on older stores it opens read-only. The two indexes it scanned them
 * with are dropped: every event written (about six per document) updated them, and they added two pages to
 * most commits of the daemon. The documents' own timelines read events through events_document.
 */
export const sql = `
DROP INDEX IF EXISTS events_to_status;
DROP INDEX IF EXISTS events_document_time;
`;

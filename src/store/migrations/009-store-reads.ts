export const name = "store-reads";

/**
 * What `docsort stats` reads on a large store without scanning it, kept by triggers as rows are added
 * (classifications and events are never changed or deleted):
 * - category_counts: documents per current category (the category of each document's newest classification).
 * - document_finished: when each document first became final (the earliest of its events into done,
 *   needs_review, failed, quarantined or duplicate — the final statuses when this was written), by time, so the
 *   documents finished per day are read from an index.
 * Both are filled here from what is stored already. events_document_time holds, per document, what the stage
 * latencies of the most recent documents are computed from.
 */
export const sql = `
CREATE TABLE category_counts (
  category TEXT PRIMARY KEY,
  documents INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO category_counts (category, documents)
  SELECT category, count(*)
  FROM (SELECT document_id, category, max(id) FROM classifications GROUP BY document_id)
  GROUP BY category;

CREATE TRIGGER classifications_count_current AFTER INSERT ON classifications
BEGIN
  UPDATE category_counts SET documents = documents - 1
  WHERE category = (
    SELECT category FROM classifications
    WHERE document_id = NEW.document_id AND id < NEW.id ORDER BY id DESC LIMIT 1
  );
  INSERT INTO category_counts (category, documents) VALUES (NEW.category, 1)
  ON CONFLICT (category) DO UPDATE SET documents = documents + 1;
END;

CREATE TABLE document_finished (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id),
  finished_at TEXT NOT NULL
);

INSERT INTO document_finished (document_id, finished_at)
  SELECT document_id, min(created_at) FROM events
  WHERE to_status IN ('done', 'needs_review', 'failed', 'quarantined', 'duplicate')
  GROUP BY document_id;

CREATE INDEX document_finished_at ON document_finished(finished_at);

CREATE TRIGGER events_first_final AFTER INSERT ON events
WHEN NEW.to_status IN ('done', 'needs_review', 'failed', 'quarantined', 'duplicate')
BEGIN
  INSERT INTO document_finished (document_id, finished_at) VALUES (NEW.document_id, NEW.created_at)
  ON CONFLICT (document_id) DO UPDATE SET finished_at = min(finished_at, excluded.finished_at);
END;

CREATE INDEX events_document_time ON events(document_id, created_at, to_status, type);
`;

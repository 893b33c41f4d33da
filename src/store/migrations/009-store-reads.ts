export const name = "store-reads";

/**
 * What `docsort stats` reads on a large store without scanning it:
 * - category_counts: documents per current category (the category of each document's newest classification),
 *   kept by a trigger as classifications are added (they are never changed or deleted); filled here from the
 *   classifications already stored.
 * - events_final_time and events_document_time: "documents that first became final in a period" read from indexes
 *   alone: the final events of the period (by target status and time), and for each one probe of its document's
 *   earlier events (by document and time), not a pass over every event. The second also holds what the stage
 *   latencies of the most recent documents are computed from.
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

CREATE INDEX events_final_time ON events(to_status, created_at, document_id);
CREATE INDEX events_document_time ON events(document_id, created_at, to_status, type);
`;

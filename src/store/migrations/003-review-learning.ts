export const name = "review-learning";

/**
 * rules: deterministic classification rules, run before any model.
 * examples: documents a person confirmed or corrected (one row per document, the current decision), with an
 * FTS5 index over their text for the similar-example lookup. Kept in step by triggers.
 */
export const sql = `
CREATE TABLE rules (
  id INTEGER PRIMARY KEY,
  field TEXT NOT NULL CHECK (field IN ('text','name','sender')),
  match TEXT NOT NULL CHECK (match IN ('keyword','regex')),
  pattern TEXT NOT NULL,
  category TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  note TEXT,
  created_by TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE examples (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id),
  classification_id INTEGER NOT NULL REFERENCES classifications(id),
  category TEXT NOT NULL,
  corrected_from TEXT,
  name TEXT NOT NULL,
  sender TEXT,
  text TEXT NOT NULL,
  confirmed_at TEXT NOT NULL
) STRICT;
CREATE INDEX examples_category ON examples(category);

CREATE VIRTUAL TABLE examples_fts USING fts5(
  text, content='examples', content_rowid='document_id', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE examples_vocab USING fts5vocab(examples_fts, 'row');

CREATE TRIGGER examples_after_insert AFTER INSERT ON examples BEGIN
  INSERT INTO examples_fts(rowid, text) VALUES (new.document_id, new.text);
END;
CREATE TRIGGER examples_after_delete AFTER DELETE ON examples BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.document_id, old.text);
END;
CREATE TRIGGER examples_after_update AFTER UPDATE ON examples BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.document_id, old.text);
  INSERT INTO examples_fts(rowid, text) VALUES (new.document_id, new.text);
END;
`;

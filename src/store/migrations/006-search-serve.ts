export const name = "search-serve";

/**
 * extractions_fts: an FTS5 index over every extracted text (external content: the text is stored once, in
 * `extractions`), kept in step by triggers and filled from the rows already there. Search joins it to the newest
 * extraction of each document.
 * serve_sessions: browser sessions of `docsort serve`; only a hash of the cookie value is kept.
 */
export const sql = `
CREATE VIRTUAL TABLE extractions_fts USING fts5(
  text, content='extractions', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO extractions_fts(extractions_fts) VALUES ('rebuild');

CREATE TRIGGER extractions_fts_after_insert AFTER INSERT ON extractions BEGIN
  INSERT INTO extractions_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER extractions_fts_after_delete AFTER DELETE ON extractions BEGIN
  INSERT INTO extractions_fts(extractions_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER extractions_fts_after_update AFTER UPDATE OF text ON extractions BEGIN
  INSERT INTO extractions_fts(extractions_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO extractions_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE INDEX documents_created ON documents(created_at);

CREATE TABLE serve_sessions (
  id_hash TEXT PRIMARY KEY,
  csrf_token TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
`;

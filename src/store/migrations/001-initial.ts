export const name = "initial";

export const sql = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  command TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) STRICT;

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT,
  kind TEXT,
  status TEXT NOT NULL CHECK (status IN
    ('queued','extracting','classifying','routing','done','needs_review','failed','quarantined','duplicate')),
  reason TEXT,
  duplicate_of INTEGER REFERENCES documents(id),
  parent_id INTEGER REFERENCES documents(id),
  depth INTEGER NOT NULL DEFAULT 0,
  blob_path TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  claimed_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX documents_sha256_original ON documents(sha256) WHERE duplicate_of IS NULL;
CREATE INDEX documents_status ON documents(status, next_attempt_at, id);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

CREATE TABLE files (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  sha256 TEXT NOT NULL,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  seen_at TEXT NOT NULL
) STRICT;
CREATE INDEX files_document ON files(document_id);

CREATE TABLE extractions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  text TEXT NOT NULL,
  chars INTEGER NOT NULL,
  method TEXT NOT NULL,
  mime TEXT NOT NULL,
  kind TEXT NOT NULL,
  pages INTEGER,
  pages_read INTEGER,
  encoding TEXT,
  language TEXT,
  ocr_confidence REAL,
  warnings TEXT NOT NULL DEFAULT '[]',
  duration_ms INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX extractions_document ON extractions(document_id, id);

CREATE TABLE classifications (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  category TEXT NOT NULL,
  confidence REAL NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('rule','builtin','llm','human')),
  model TEXT,
  prompt_hash TEXT,
  num_ctx INTEGER,
  prompt_tokens INTEGER,
  output_tokens INTEGER,
  estimated_prompt_tokens INTEGER,
  latency_ms INTEGER,
  truncated INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 1,
  raw_output TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  actor TEXT,
  note TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX classifications_document ON classifications(document_id, id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  document_id INTEGER REFERENCES documents(id),
  type TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  message TEXT,
  data TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX events_document ON events(document_id, id);
`;

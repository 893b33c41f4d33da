export const name = "reliability";

/**
 * documents.interruptions: how often docsort stopped (crash, kill, out of memory) or timed out while it worked on
 * the document; at `reliability.maxInterruptions` it is quarantined so it cannot block the rest.
 * documents.model_failures / first_model_failure_at: separate occasions on which the model failed for this
 * document (after the immediate retries); it is `failed` only after enough of them spread over enough time.
 * handler_runs.interruptions: attempts found in flight after a crash (their effect may have happened).
 * handler_runs.redelivery: 1 while the current attempt is not the first one started (its delivery id may
 * have reached the receiver before).
 * scratch_files: temporary files docsort is writing outside its own folders (the move handler's copies), so a
 * start after a crash can remove what a dead process left half-written.
 */
export const sql = `
ALTER TABLE documents ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN model_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN first_model_failure_at TEXT;
ALTER TABLE handler_runs ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handler_runs ADD COLUMN redelivery INTEGER NOT NULL DEFAULT 0;

CREATE TABLE scratch_files (
  path TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;

export const name = "kept-stats";

/**
 * The rest of what `docsort stats` and `docsort list` read on a large store without scanning it, kept by triggers
 * as rows are written, and filled here from what is stored already:
 * - status_counts: documents per status.
 * - finished_per_day: documents per UTC day (YYYY-MM-DD) on which they first became final (document_finished).
 * - document_stages: per document, when it first reached each stage, in Unix milliseconds: the first
 *   discovered, extracting, extracted, classified and routed events, and the first event into a final status
 *   (done, needs_review, failed, quarantined, duplicate: the final statuses when this was written).
 * - handler_outcomes: handler runs per handler and status.
 * classifications_model_figures holds what stats reads of the model's answers, so they are read from it alone.
 */
const ms = (value: string) => `CAST(round(unixepoch(${value}, 'subsec') * 1000) AS INTEGER)`;
const FINAL = "'done', 'needs_review', 'failed', 'quarantined', 'duplicate'";
const STAGES = ["discovered", "extracting", "extracted", "classified", "routed"] as const;
const firstOf = (type: string) => `${ms(`min(CASE WHEN type = '${type}' THEN created_at END)`)}`;
const stageOf = (type: string) => `CASE WHEN NEW.type = '${type}' THEN ${ms("NEW.created_at")} END`;
const earliest = (column: string) =>
  `${column} = coalesce(min(${column}, excluded.${column}), ${column}, excluded.${column})`;

export const sql = `
CREATE TABLE status_counts (
  status TEXT PRIMARY KEY,
  documents INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO status_counts (status, documents) SELECT status, count(*) FROM documents GROUP BY status;

CREATE TRIGGER documents_count_added AFTER INSERT ON documents
BEGIN
  INSERT INTO status_counts (status, documents) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET documents = documents + 1;
END;

CREATE TRIGGER documents_count_status AFTER UPDATE OF status ON documents
WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE status_counts SET documents = documents - 1 WHERE status = OLD.status;
  INSERT INTO status_counts (status, documents) VALUES (NEW.status, 1)
  ON CONFLICT (status) DO UPDATE SET documents = documents + 1;
END;

CREATE TRIGGER documents_count_removed AFTER DELETE ON documents
BEGIN
  UPDATE status_counts SET documents = documents - 1 WHERE status = OLD.status;
END;

CREATE TABLE finished_per_day (
  day TEXT PRIMARY KEY,
  documents INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO finished_per_day (day, documents)
  SELECT substr(finished_at, 1, 10), count(*) FROM document_finished GROUP BY 1;

CREATE TRIGGER document_finished_day_added AFTER INSERT ON document_finished
BEGIN
  INSERT INTO finished_per_day (day, documents) VALUES (substr(NEW.finished_at, 1, 10), 1)
  ON CONFLICT (day) DO UPDATE SET documents = documents + 1;
END;

CREATE TRIGGER document_finished_day_moved AFTER UPDATE OF finished_at ON document_finished
WHEN substr(OLD.finished_at, 1, 10) IS NOT substr(NEW.finished_at, 1, 10)
BEGIN
  UPDATE finished_per_day SET documents = documents - 1 WHERE day = substr(OLD.finished_at, 1, 10);
  INSERT INTO finished_per_day (day, documents) VALUES (substr(NEW.finished_at, 1, 10), 1)
  ON CONFLICT (day) DO UPDATE SET documents = documents + 1;
END;

CREATE TABLE handler_outcomes (
  handler_name TEXT NOT NULL,
  status TEXT NOT NULL,
  runs INTEGER NOT NULL,
  PRIMARY KEY (handler_name, status)
) WITHOUT ROWID;

INSERT INTO handler_outcomes (handler_name, status, runs)
  SELECT handler_name, status, count(*) FROM handler_runs GROUP BY handler_name, status;

CREATE TRIGGER handler_runs_count_added AFTER INSERT ON handler_runs
BEGIN
  INSERT INTO handler_outcomes (handler_name, status, runs) VALUES (NEW.handler_name, NEW.status, 1)
  ON CONFLICT (handler_name, status) DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER handler_runs_count_status AFTER UPDATE OF status, handler_name ON handler_runs
WHEN OLD.status IS NOT NEW.status OR OLD.handler_name IS NOT NEW.handler_name
BEGIN
  UPDATE handler_outcomes SET runs = runs - 1 WHERE handler_name = OLD.handler_name AND status = OLD.status;
  INSERT INTO handler_outcomes (handler_name, status, runs) VALUES (NEW.handler_name, NEW.status, 1)
  ON CONFLICT (handler_name, status) DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER handler_runs_count_removed AFTER DELETE ON handler_runs
BEGIN
  UPDATE handler_outcomes SET runs = runs - 1 WHERE handler_name = OLD.handler_name AND status = OLD.status;
END;

CREATE INDEX classifications_model_figures ON classifications(
  document_id, source, latency_ms, prompt_tokens, output_tokens, created_at,
  json_extract(details, '$.promptCachedTokens'), json_extract(details, '$.host')
);

CREATE TABLE document_stages (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id),
  ${STAGES.map((stage) => `${stage} INTEGER`).join(",\n  ")},
  final INTEGER
);

INSERT INTO document_stages (document_id, ${STAGES.join(", ")}, final)
  SELECT document_id, ${STAGES.map(firstOf).join(", ")},
         ${ms(`min(CASE WHEN to_status IN (${FINAL}) THEN created_at END)`)}
  FROM events
  WHERE type IN (${STAGES.map((s) => `'${s}'`).join(", ")}) OR to_status IN (${FINAL})
  GROUP BY document_id;

CREATE TRIGGER events_stage_times AFTER INSERT ON events
WHEN NEW.type IN (${STAGES.map((s) => `'${s}'`).join(", ")}) OR NEW.to_status IN (${FINAL})
BEGIN
  INSERT INTO document_stages (document_id, ${STAGES.join(", ")}, final)
  VALUES (NEW.document_id, ${STAGES.map(stageOf).join(", ")},
          CASE WHEN NEW.to_status IN (${FINAL}) THEN ${ms("NEW.created_at")} END)
  ON CONFLICT (document_id) DO UPDATE SET
    ${[...STAGES, "final"].map(earliest).join(",\n    ")};
END;
`;

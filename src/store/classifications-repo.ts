import { z } from "zod";
import type { Db } from "./database.js";
import { parseJsonColumn } from "./json-column.js";

export const CLASSIFICATION_SOURCES = ["rule", "builtin", "llm", "human"] as const;
export type ClassificationSource = (typeof CLASSIFICATION_SOURCES)[number];

export interface ClassificationRecord {
  id: number;
  documentId: number;
  category: string;
  confidence: number;
  summary: string;
  evidence: string;
  source: ClassificationSource;
  model: string | null;
  promptHash: string | null;
  numCtx: number | null;
  promptTokens: number | null;
  outputTokens: number | null;
  estimatedPromptTokens: number | null;
  latencyMs: number | null;
  truncated: boolean;
  attempts: number;
  rawOutput: string | null;
  /** Anything else worth keeping with the decision (examples used, why it went to review, …). */
  details: Record<string, unknown>;
  actor: string | null;
  note: string | null;
  createdAt: string;
}

export type NewClassification = Omit<ClassificationRecord, "id" | "createdAt">;

interface ClassificationRow {
  id: number;
  document_id: number;
  category: string;
  confidence: number;
  summary: string;
  evidence: string;
  source: ClassificationSource;
  model: string | null;
  prompt_hash: string | null;
  num_ctx: number | null;
  prompt_tokens: number | null;
  output_tokens: number | null;
  estimated_prompt_tokens: number | null;
  latency_ms: number | null;
  truncated: number;
  attempts: number;
  raw_output: string | null;
  details: string;
  actor: string | null;
  note: string | null;
  created_at: string;
}

const detailsSchema = z.record(z.string(), z.unknown());

function toClassification(row: ClassificationRow): ClassificationRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    category: row.category,
    confidence: row.confidence,
    summary: row.summary,
    evidence: row.evidence,
    source: row.source,
    model: row.model,
    promptHash: row.prompt_hash,
    numCtx: row.num_ctx,
    promptTokens: row.prompt_tokens,
    outputTokens: row.output_tokens,
    estimatedPromptTokens: row.estimated_prompt_tokens,
    latencyMs: row.latency_ms,
    truncated: row.truncated === 1,
    attempts: row.attempts,
    rawOutput: row.raw_output,
    details: parseJsonColumn(row.details, detailsSchema, {}),
    actor: row.actor,
    note: row.note,
    createdAt: row.created_at,
  };
}

/** Append-only history: the newest row is the current classification. */
export class ClassificationsRepo {
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly currentStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<unknown[], ClassificationRow>(`
      INSERT INTO classifications (document_id, category, confidence, summary, evidence, source, model, prompt_hash,
        num_ctx, prompt_tokens, output_tokens, estimated_prompt_tokens, latency_ms, truncated, attempts, raw_output,
        details, actor, note, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
    this.historyStmt = db.prepare<[number], ClassificationRow>(
      "SELECT * FROM classifications WHERE document_id = ? ORDER BY id",
    );
    this.currentStmt = db.prepare<[number], ClassificationRow>(
      "SELECT * FROM classifications WHERE document_id = ? ORDER BY id DESC LIMIT 1",
    );
  }

  add(c: NewClassification, now: string): ClassificationRecord {
    const row = this.insertStmt.get(
      c.documentId,
      c.category,
      c.confidence,
      c.summary,
      c.evidence,
      c.source,
      c.model,
      c.promptHash,
      c.numCtx,
      c.promptTokens,
      c.outputTokens,
      c.estimatedPromptTokens,
      c.latencyMs === null ? null : Math.round(c.latencyMs),
      c.truncated ? 1 : 0,
      c.attempts,
      c.rawOutput,
      JSON.stringify(c.details),
      c.actor,
      c.note,
      now,
    );
    if (!row) throw new Error("insert into classifications returned no row");
    return toClassification(row);
  }

  history(documentId: number): ClassificationRecord[] {
    return this.historyStmt.all(documentId).map(toClassification);
  }

  current(documentId: number): ClassificationRecord | undefined {
    const row = this.currentStmt.get(documentId);
    return row ? toClassification(row) : undefined;
  }
}

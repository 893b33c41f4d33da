import { z } from "zod";
import type { Db } from "./database.js";
import { parseJsonColumn } from "./json-column.js";

export interface ExtractionRecord {
  id: number;
  documentId: number;
  text: string;
  chars: number;
  method: string;
  mime: string;
  kind: string;
  pages: number | null;
  pagesRead: number | null;
  encoding: string | null;
  language: string | null;
  ocrConfidence: number | null;
  warnings: string[];
  durationMs: number;
  createdAt: string;
}

export type NewExtraction = Omit<ExtractionRecord, "id" | "createdAt" | "chars">;

interface ExtractionRow {
  id: number;
  document_id: number;
  text: string;
  chars: number;
  method: string;
  mime: string;
  kind: string;
  pages: number | null;
  pages_read: number | null;
  encoding: string | null;
  language: string | null;
  ocr_confidence: number | null;
  warnings: string;
  duration_ms: number;
  created_at: string;
}

const warningsSchema = z.array(z.string());

export class ExtractionsRepo {
  private readonly insertStmt;
  private readonly latestStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO extractions (document_id, text, chars, method, mime, kind, pages, pages_read, encoding, language,
                               ocr_confidence, warnings, duration_ms, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.latestStmt = db.prepare<[number], ExtractionRow>(
      "SELECT * FROM extractions WHERE document_id = ? ORDER BY id DESC LIMIT 1",
    );
  }

  add(extraction: NewExtraction, now: string): void {
    this.insertStmt.run(
      extraction.documentId,
      extraction.text,
      extraction.text.length,
      extraction.method,
      extraction.mime,
      extraction.kind,
      extraction.pages,
      extraction.pagesRead,
      extraction.encoding,
      extraction.language,
      extraction.ocrConfidence,
      JSON.stringify(extraction.warnings),
      Math.round(extraction.durationMs),
      now,
    );
  }

  latest(documentId: number): ExtractionRecord | undefined {
    const row = this.latestStmt.get(documentId);
    if (!row) return undefined;
    return {
      id: row.id,
      documentId: row.document_id,
      text: row.text,
      chars: row.chars,
      method: row.method,
      mime: row.mime,
      kind: row.kind,
      pages: row.pages,
      pagesRead: row.pages_read,
      encoding: row.encoding,
      language: row.language,
      ocrConfidence: row.ocr_confidence,
      warnings: parseJsonColumn(row.warnings, warningsSchema, []),
      durationMs: row.duration_ms,
      createdAt: row.created_at,
    };
  }
}

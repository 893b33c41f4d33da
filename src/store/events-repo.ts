import { z } from "zod";
import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";
import { parseJsonColumn } from "./json-column.js";

export interface NewEvent {
  documentId: number | null;
  type: string;
  fromStatus?: DocumentStatus | null;
  toStatus?: DocumentStatus | null;
  message?: string | null;
  data?: Record<string, unknown> | null;
}

export interface EventRecord {
  id: number;
  documentId: number | null;
  type: string;
  fromStatus: DocumentStatus | null;
  toStatus: DocumentStatus | null;
  message: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

interface EventRow {
  id: number;
  document_id: number | null;
  type: string;
  from_status: DocumentStatus | null;
  to_status: DocumentStatus | null;
  message: string | null;
  data: string | null;
  created_at: string;
}

const dataSchema = z.record(z.string(), z.unknown()).nullable();

export class EventsRepo {
  private readonly insertStmt;
  private readonly forDocumentStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      "INSERT INTO events (document_id, type, from_status, to_status, message, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.forDocumentStmt = db.prepare<[number], EventRow>(
      "SELECT * FROM events WHERE document_id = ? ORDER BY id",
    );
  }

  add(event: NewEvent, now: string): void {
    this.insertStmt.run(
      event.documentId,
      event.type,
      event.fromStatus ?? null,
      event.toStatus ?? null,
      event.message ?? null,
      event.data ? JSON.stringify(event.data) : null,
      now,
    );
  }

  forDocument(documentId: number): EventRecord[] {
    return this.forDocumentStmt.all(documentId).map((row) => ({
      id: row.id,
      documentId: row.document_id,
      type: row.type,
      fromStatus: row.from_status,
      toStatus: row.to_status,
      message: row.message,
      data: parseJsonColumn(row.data, dataSchema, null),
      createdAt: row.created_at,
    }));
  }
}

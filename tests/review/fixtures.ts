import { createHash } from "node:crypto";
import type { ClassificationSource } from "../../src/store/classifications-repo.js";
import type { DocumentStatus } from "../../src/store/document-status.js";
import type { DocumentRecord } from "../../src/store/documents-repo.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";

export interface TestStore {
  store: Store;
  cleanup(): void;
}

export function openTestStore(): TestStore {
  const dir = tempDir("docsort-review-");
  const store = Store.open(dir.path);
  return {
    store,
    cleanup() {
      store.close();
      dir.cleanup();
    },
  };
}

export interface StoredDocument {
  name: string;
  text: string;
  status?: DocumentStatus;
  reason?: string | null;
  /** Omitted: the document has no classification (e.g. no text). */
  category?: string;
  confidence?: number;
  source?: Exclude<ClassificationSource, "human">;
  details?: Record<string, unknown>;
}

/** A document as the pipeline leaves it: registered, extracted, classified, in its final status. */
export function addDocument(store: Store, doc: StoredDocument): DocumentRecord {
  const now = new Date().toISOString();
  const status = doc.status ?? "needs_review";
  const document = store.documents.insert(
    {
      sha256: createHash("sha256")
        .update(doc.name + doc.text)
        .digest("hex"),
      path: `/inbox/${doc.name}`,
      name: doc.name,
      size: doc.text.length,
      status,
      reason:
        doc.reason === undefined
          ? status === "needs_review"
            ? `low confidence (${(doc.confidence ?? 0).toFixed(2)} < 0.7)`
            : null
          : doc.reason,
    },
    now,
  );
  store.extractions.add(
    {
      documentId: document.id,
      text: doc.text,
      method: "text",
      mime: "text/plain",
      kind: "text",
      pages: null,
      pagesRead: null,
      encoding: "utf-8",
      language: null,
      ocrConfidence: null,
      warnings: [],
      durationMs: 1,
    },
    now,
  );
  if (doc.category) {
    store.classifications.add(
      {
        documentId: document.id,
        category: doc.category,
        confidence: doc.confidence ?? 0.5,
        summary: `summary of ${doc.name}`,
        evidence: "some evidence",
        source: doc.source ?? "llm",
        model: doc.source === "builtin" ? "builtin" : "llama3.2",
        promptHash: null,
        numCtx: null,
        promptTokens: null,
        outputTokens: null,
        estimatedPromptTokens: null,
        latencyMs: 10,
        truncated: false,
        attempts: 1,
        rawOutput: null,
        details: doc.details ?? {},
        actor: null,
        note: null,
      },
      now,
    );
  }
  return document;
}

export function eventCount(store: Store, documentId: number, type: string): number {
  return store.events.forDocument(documentId).filter((e) => e.type === type).length;
}

export const CATEGORIES = [
  "invoice",
  "receipt",
  "purchase_order",
  "contract",
  "resume",
  "bank_statement",
  "letter",
  "other",
];

import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NO_MODEL_CALL } from "../../src/classify/document-classifier.js";
import type { HandlerServices } from "../../src/handlers/handler-kind.js";
import type { InvoiceFieldExtractor } from "../../src/invoices/invoice-field-extractor.js";
import { silentLogger } from "../../src/log/logger.js";
import { nowIso } from "../../src/store/clock.js";
import type { DocumentRecord } from "../../src/store/documents-repo.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";

export interface Fixture {
  dir: string;
  store: Store;
  cleanup(): void;
}

export function openFixture(): Fixture {
  const dir = tempDir("docsort-handlers-");
  const store = Store.open(path.join(dir.path, "home"));
  return {
    dir: dir.path,
    store,
    cleanup() {
      store.close();
      dir.cleanup();
    },
  };
}

export interface DocumentSpec {
  name: string;
  text: string;
  category: string;
  confidence?: number;
  /** Where the file is written; default: the fixture's inbox. */
  folder?: string;
  status?: "routing" | "done" | "needs_review";
}

/** A real file, its document row, its extraction and a classification: what routing starts from. */
export function addDocument(fixture: Fixture, spec: DocumentSpec): DocumentRecord {
  const folder = spec.folder ?? path.join(fixture.dir, "inbox");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, spec.name);
  const bytes = Buffer.from(spec.text);
  writeFileSync(file, bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const { store } = fixture;
  const now = nowIso();
  const document = store.documents.insert(
    { sha256, path: file, name: spec.name, size: bytes.length, status: spec.status ?? "routing" },
    now,
  );
  store.extractions.add(
    {
      documentId: document.id,
      text: spec.text,
      method: "text",
      mime: "text/plain",
      kind: "text",
      pages: null,
      pagesRead: null,
      encoding: "utf-8",
      language: "en",
      ocrConfidence: null,
      warnings: [],
      durationMs: 1,
    },
    now,
  );
  classify(fixture, document.id, spec.category, spec.confidence ?? 0.9, "llm");
  return store.documents.get(document.id) ?? document;
}

export function classify(
  fixture: Fixture,
  documentId: number,
  category: string,
  confidence: number,
  source: "llm" | "human",
): void {
  fixture.store.classifications.add(
    {
      documentId,
      category,
      confidence,
      summary: `a ${category}`,
      evidence: "",
      source,
      ...NO_MODEL_CALL,
      details: {},
      actor: source === "human" ? "tester" : null,
      note: null,
    },
    nowIso(),
  );
}

const noExtractor: InvoiceFieldExtractor = {
  extract: () => Promise.reject(new Error("no invoice model in this test")),
};

export function services(
  fixture: Fixture,
  config: Record<string, unknown> = {},
  extractor: InvoiceFieldExtractor = noExtractor,
): HandlerServices {
  return {
    store: fixture.store,
    config: testConfig(config, {
      home: path.join(fixture.dir, "home"),
      inbox: path.join(fixture.dir, "inbox"),
    }),
    logger: silentLogger,
    invoiceExtractor: () => Promise.resolve(extractor),
  };
}

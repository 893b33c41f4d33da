import { createHash } from "node:crypto";
import path from "node:path";
import { openDatabase } from "../../src/store/database.js";
import { syntheticDocument } from "./synthetic-documents.js";

const DAY_MS = 86_400_000;
/** The events of a document's way through the pipeline: type, from status, to status. */
const STAGES = [
  ["discovered", null, "queued"],
  ["extracting", "queued", "extracting"],
  ["extracted", "extracting", "classifying"],
  ["classified", "classifying", "routing"],
  ["routed", "routing", "done"],
] as const;

/** Which status a generated document ends in: mostly done, a review backlog, some failures and duplicates. */
function statusOf(i: number): "done" | "needs_review" | "failed" | "quarantined" | "duplicate" {
  const r = i % 100;
  if (r < 90) return "done";
  if (r < 93) return "needs_review";
  if (r < 96) return "failed";
  if (r < 98) return "quarantined";
  return "duplicate";
}

/**
 * A store of `count` documents written with direct SQL through docsort's own migrations (not `count` pipeline
 * runs): documents, files, extractions, one classification each, five events each, invoices (1 in 8) with their
 * handler runs. Timestamps are spread over 200 days.
 */
export function buildStore(home: string, count: number): { showId: number } {
  const db = openDatabase(path.join(home, "docsort.db"));
  const insert = {
    document:
      db.prepare(`INSERT INTO documents (id, sha256, path, name, size, mime, kind, status, reason, duplicate_of,
      depth, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text/plain', 'text', ?, ?, ?, 0, ?, ?)`),
    file: db.prepare(
      "INSERT INTO files (path, size, mtime_ms, sha256, document_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    extraction:
      db.prepare(`INSERT INTO extractions (document_id, text, chars, method, mime, kind, warnings, duration_ms,
      created_at) VALUES (?, ?, ?, 'text', 'text/plain', 'text', '[]', ?, ?)`),
    classification:
      db.prepare(`INSERT INTO classifications (document_id, category, confidence, summary, evidence, source,
      model, prompt_hash, num_ctx, prompt_tokens, output_tokens, estimated_prompt_tokens, latency_ms, raw_output,
      created_at) VALUES (?, ?, ?, ?, ?, 'llm', 'llama3.2', 'bench', 8192, ?, ?, ?, ?, '{}', ?)`),
    event: db.prepare(
      "INSERT INTO events (document_id, type, from_status, to_status, message, created_at) VALUES (?, ?, ?, ?, NULL, ?)",
    ),
    invoice:
      db.prepare(`INSERT INTO invoices (document_id, status, vendor, vendor_key, invoice_number, number_key,
      invoice_date, currency, total_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?)`),
    run: db.prepare(`INSERT INTO handler_runs (document_id, invoice_id, handler_id, handler_name, handler_kind,
      config_version, position, trigger, category, classification_id, idempotency_key, status, attempts, created_at,
      updated_at) VALUES (?, ?, 1, 'invoice-workflow', 'invoice', 1, 10, 'document.classified', 'invoice', ?, ?, ?, 1, ?, ?)`),
  };
  const start = Date.now() - 200 * DAY_MS;
  let showId = 1;
  db.transaction(() => {
    for (let id = 1; id <= count; id += 1) {
      const doc = syntheticDocument(id, 3);
      const invoice = id % 8 === 0;
      const category = invoice ? "invoice" : doc.category;
      const status = statusOf(id);
      const at = start + Math.floor((id / count) * 200 * DAY_MS);
      const iso = (offset: number) => new Date(at + offset).toISOString();
      const sha = createHash("sha256").update(`doc ${id}`).digest("hex");
      const file = `/home/user/inbox/${doc.name.replace(".txt", `-${id}.txt`)}`;
      const duplicateOf = status === "duplicate" && id > 1 ? id - 1 : null;
      const reason = status === "done" || status === "duplicate" ? null : `${status} (bench)`;
      insert.document.run(
        id,
        sha,
        file,
        path.basename(file),
        doc.text.length,
        status,
        reason,
        duplicateOf,
        iso(0),
        iso(9000),
      );
      insert.file.run(file, doc.text.length, at, sha, id, iso(0));
      if (status === "duplicate") continue;
      insert.extraction.run(id, doc.text, doc.text.length, 5 + (id % 40), iso(1500));
      const stages = status === "done" ? STAGES.length : status === "needs_review" ? 4 : 2;
      for (const [k, [type, from, to]] of STAGES.slice(0, stages).entries()) {
        const last = k === stages - 1 && status !== "done";
        insert.event.run(id, type, from, last ? status : to, iso(k * 1500 + (id % 700)));
      }
      if (status === "failed" || status === "quarantined") continue;
      const confidence = status === "needs_review" ? 0.5 : 0.9;
      const classification = insert.classification.run(
        id,
        category,
        confidence,
        doc.text.slice(0, 80),
        doc.text.slice(0, 40),
        500 + (id % 300),
        60 + (id % 30),
        700,
        2000 + (id % 4000),
        iso(6000),
      );
      if (invoice && status === "done") {
        const invoiceId = insert.invoice.run(
          id,
          id % 5 === 0 ? "approved" : "awaiting_approval",
          `Vendor ${id % 300}`,
          `vendor ${id % 300}`,
          `INV-${id}`,
          `inv${id}`,
          iso(0).slice(0, 10),
          10_000 + (id % 90_000),
          iso(7000),
          iso(7000),
        ).lastInsertRowid;
        insert.run.run(
          id,
          invoiceId,
          classification.lastInsertRowid,
          `bench-${id}`,
          id % 100 === 0 ? "dead" : "succeeded",
          iso(7000),
          iso(8000),
        );
        showId = id;
      }
    }
  }).immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { showId };
}

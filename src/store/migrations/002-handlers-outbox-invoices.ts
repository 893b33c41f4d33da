export const name = "handlers-outbox-invoices";

/** Handlers (the configured automation), handler_runs (the outbox) and invoices (the ledger). */
export const sql = `
CREATE TABLE handlers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  config_version INTEGER NOT NULL DEFAULT 1,
  trigger TEXT NOT NULL CHECK (trigger IN
    ('document.classified','invoice.approved','invoice.duplicate','invoice.needs_attention')),
  categories TEXT NOT NULL DEFAULT '[]',
  min_confidence REAL NOT NULL DEFAULT 0 CHECK (min_confidence BETWEEN 0 AND 1),
  enabled INTEGER NOT NULL DEFAULT 1,
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

INSERT INTO handlers (name, kind, config, trigger, categories, min_confidence, enabled, position, created_at, updated_at)
VALUES ('invoice-workflow', 'invoice', '{}', 'document.classified', '["invoice"]', 0, 1, 10,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
  status TEXT NOT NULL CHECK (status IN
    ('needs_attention','awaiting_approval','approved','rejected','duplicate')),
  document_type TEXT NOT NULL DEFAULT 'invoice' CHECK (document_type IN ('invoice','credit_note')),
  vendor TEXT,
  vendor_key TEXT,
  vendor_vat_id TEXT,
  invoice_number TEXT,
  number_key TEXT,
  invoice_date TEXT,
  due_date TEXT,
  currency TEXT,
  subtotal_minor INTEGER,
  tax_minor INTEGER,
  total_minor INTEGER,
  iban TEXT,
  purchase_order TEXT,
  line_items TEXT NOT NULL DEFAULT '[]',
  fields TEXT NOT NULL DEFAULT '{}',
  checks TEXT NOT NULL DEFAULT '[]',
  duplicate_of INTEGER REFERENCES invoices(id),
  duplicate_reason TEXT,
  archive_path TEXT,
  extraction TEXT NOT NULL DEFAULT '{}',
  decided_by TEXT,
  decided_at TEXT,
  reject_reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX invoices_vendor_number ON invoices(vendor_key, number_key);
CREATE INDEX invoices_vendor_total_date ON invoices(vendor_key, total_minor, invoice_date);
CREATE INDEX invoices_status ON invoices(status, id);

CREATE TABLE handler_runs (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  invoice_id INTEGER REFERENCES invoices(id),
  handler_id INTEGER REFERENCES handlers(id) ON DELETE SET NULL,
  handler_name TEXT NOT NULL,
  handler_kind TEXT NOT NULL,
  config_version INTEGER NOT NULL,
  position INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  category TEXT NOT NULL,
  classification_id INTEGER REFERENCES classifications(id),
  idempotency_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending','running','succeeded','failed','dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  claimed_by TEXT,
  started_at TEXT,
  finished_at TEXT,
  last_error TEXT,
  output TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX handler_runs_due ON handler_runs(status, next_attempt_at, position, id);
CREATE INDEX handler_runs_document ON handler_runs(document_id, id);
CREATE INDEX handler_runs_invoice ON handler_runs(invoice_id);
`;

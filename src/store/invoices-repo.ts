import { z } from "zod";
import type { Db } from "./database.js";
import {
  checkSchema,
  extractionInfoSchema,
  fieldsSchema,
  type InvoiceCheck,
  type InvoiceField,
  type InvoiceStatus,
  type InvoiceValues,
  lineItemSchema,
} from "./invoice-columns.js";
import { parseJsonColumn } from "./json-column.js";

export interface InvoiceRecord extends InvoiceValues {
  id: number;
  documentId: number;
  status: InvoiceStatus;
  fields: Record<string, InvoiceField>;
  checks: InvoiceCheck[];
  duplicateOf: number | null;
  duplicateReason: string | null;
  archivePath: string | null;
  extraction: Record<string, unknown>;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewInvoice = Omit<
  InvoiceRecord,
  "id" | "decidedBy" | "decidedAt" | "rejectReason" | "createdAt" | "updatedAt"
>;

export interface InvoiceFilter {
  status?: InvoiceStatus | undefined;
  since?: string | undefined;
  /** At most this many: the newest (list still returns them oldest first). */
  limit?: number | undefined;
}

function invoiceWhere(filter: InvoiceFilter): { where: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.status) {
    where.push("status = ?");
    params.push(filter.status);
  }
  if (filter.since) {
    where.push("coalesce(invoice_date, substr(created_at, 1, 10)) >= ?");
    params.push(filter.since);
  }
  return { where: where.length > 0 ? `WHERE ${where.join(" AND ")}` : "", params };
}

interface InvoiceRow {
  id: number;
  document_id: number;
  status: InvoiceStatus;
  document_type: "invoice" | "credit_note";
  vendor: string | null;
  vendor_key: string | null;
  vendor_vat_id: string | null;
  invoice_number: string | null;
  number_key: string | null;
  invoice_date: string | null;
  due_date: string | null;
  currency: string | null;
  subtotal_minor: number | null;
  tax_minor: number | null;
  total_minor: number | null;
  iban: string | null;
  purchase_order: string | null;
  line_items: string;
  fields: string;
  checks: string;
  duplicate_of: number | null;
  duplicate_reason: string | null;
  archive_path: string | null;
  extraction: string;
  decided_by: string | null;
  decided_at: string | null;
  reject_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Built once: a zod schema costs more to make than to check a small row. */
const LINE_ITEMS = z.array(lineItemSchema);
const CHECKS = z.array(checkSchema);

function toInvoice(row: InvoiceRow): InvoiceRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    status: row.status,
    documentType: row.document_type,
    vendor: row.vendor,
    vendorKey: row.vendor_key,
    vendorVatId: row.vendor_vat_id,
    invoiceNumber: row.invoice_number,
    numberKey: row.number_key,
    invoiceDate: row.invoice_date,
    dueDate: row.due_date,
    currency: row.currency,
    subtotalMinor: row.subtotal_minor,
    taxMinor: row.tax_minor,
    totalMinor: row.total_minor,
    iban: row.iban,
    purchaseOrder: row.purchase_order,
    lineItems: parseJsonColumn(row.line_items, LINE_ITEMS, []),
    fields: parseJsonColumn(row.fields, fieldsSchema, {}),
    checks: parseJsonColumn(row.checks, CHECKS, []),
    duplicateOf: row.duplicate_of,
    duplicateReason: row.duplicate_reason,
    archivePath: row.archive_path,
    extraction: parseJsonColumn(row.extraction, extractionInfoSchema, {}),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    rejectReason: row.reject_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The invoice ledger: one row per invoice document. */
export class InvoicesRepo {
  constructor(private readonly db: Db) {}

  insert(invoice: NewInvoice, now: string): InvoiceRecord {
    const row = this.db
      .prepare<unknown[], InvoiceRow>(`
        INSERT INTO invoices (document_id, status, document_type, vendor, vendor_key, vendor_vat_id, invoice_number,
          number_key, invoice_date, due_date, currency, subtotal_minor, tax_minor, total_minor, iban, purchase_order,
          line_items, fields, checks, duplicate_of, duplicate_reason, archive_path, extraction, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`)
      .get(
        invoice.documentId,
        invoice.status,
        invoice.documentType,
        invoice.vendor,
        invoice.vendorKey,
        invoice.vendorVatId,
        invoice.invoiceNumber,
        invoice.numberKey,
        invoice.invoiceDate,
        invoice.dueDate,
        invoice.currency,
        invoice.subtotalMinor,
        invoice.taxMinor,
        invoice.totalMinor,
        invoice.iban,
        invoice.purchaseOrder,
        JSON.stringify(invoice.lineItems),
        JSON.stringify(invoice.fields),
        JSON.stringify(invoice.checks),
        invoice.duplicateOf,
        invoice.duplicateReason,
        invoice.archivePath,
        JSON.stringify(invoice.extraction),
        now,
        now,
      );
    if (!row) throw new Error("insert into invoices returned no row");
    return toInvoice(row);
  }

  get(id: number): InvoiceRecord | undefined {
    const row = this.db.prepare<[number], InvoiceRow>("SELECT * FROM invoices WHERE id = ?").get(id);
    return row ? toInvoice(row) : undefined;
  }

  forDocument(documentId: number): InvoiceRecord | undefined {
    const row = this.db
      .prepare<[number], InvoiceRow>("SELECT * FROM invoices WHERE document_id = ?")
      .get(documentId);
    return row ? toInvoice(row) : undefined;
  }

  /** Invoices matching `filter`, oldest first; with `filter.limit`, only the newest `limit` of them. */
  list(filter: InvoiceFilter = {}): InvoiceRecord[] {
    const { where, params } = invoiceWhere(filter);
    const sql =
      filter.limit === undefined
        ? `SELECT * FROM invoices ${where} ORDER BY id`
        : `SELECT * FROM (SELECT * FROM invoices ${where} ORDER BY id DESC LIMIT ?) ORDER BY id`;
    return this.db
      .prepare<(string | number)[], InvoiceRow>(sql)
      .all(...params, ...(filter.limit === undefined ? [] : [filter.limit]))
      .map(toInvoice);
  }

  /** How many invoices match `filter` (its limit aside). */
  count(filter: InvoiceFilter = {}): number {
    const { where, params } = invoiceWhere(filter);
    const row = this.db
      .prepare<string[], { n: number }>(`SELECT count(*) AS n FROM invoices ${where}`)
      .get(...params);
    return row?.n ?? 0;
  }

  /** Earlier invoices (not themselves duplicates) with the same vendor and number, or vendor, total and date. */
  findEarlierMatches(candidate: {
    vendorKey: string | null;
    numberKey: string | null;
    totalMinor: number | null;
    currency: string | null;
    invoiceDate: string | null;
  }): InvoiceRecord[] {
    if (!candidate.vendorKey) return [];
    return this.db
      .prepare<unknown[], InvoiceRow>(`
        SELECT * FROM invoices
        WHERE vendor_key = ? AND duplicate_of IS NULL AND (
          (number_key IS NOT NULL AND number_key = ?)
          OR (total_minor IS NOT NULL AND total_minor = ? AND invoice_date IS NOT NULL AND invoice_date = ?
              AND coalesce(currency, '') = coalesce(?, ''))
        )
        ORDER BY id`)
      .all(
        candidate.vendorKey,
        candidate.numberKey,
        candidate.totalMinor,
        candidate.invoiceDate,
        candidate.currency,
      )
      .map(toInvoice);
  }

  /** Sets or clears the duplicate flag: a person's decision, or its undo (recorded as events by the caller). */
  setDuplicate(
    id: number,
    state: { status: InvoiceStatus; duplicateOf: number | null; duplicateReason: string | null },
    now: string,
  ): InvoiceRecord {
    const row = this.db
      .prepare<unknown[], InvoiceRow>(`
        UPDATE invoices SET status = ?, duplicate_of = ?, duplicate_reason = ?, updated_at = ?
        WHERE id = ? RETURNING *`)
      .get(state.status, state.duplicateOf, state.duplicateReason, now, id);
    if (!row) throw new Error(`invoice ${id} does not exist`);
    return toInvoice(row);
  }

  decide(
    id: number,
    decision: { status: InvoiceStatus; by: string; reason: string | null },
    now: string,
  ): InvoiceRecord {
    const row = this.db
      .prepare<unknown[], InvoiceRow>(`
        UPDATE invoices SET status = ?, decided_by = ?, decided_at = ?, reject_reason = ?, updated_at = ?
        WHERE id = ? RETURNING *`)
      .get(decision.status, decision.by, now, decision.reason, now, id);
    if (!row) throw new Error(`invoice ${id} does not exist`);
    return toInvoice(row);
  }
}

/**
 * The zod schemas of API v1: requests are validated with them and /api/v1/openapi.json is generated from them, so
 * the document cannot drift from what the server accepts. Responses are typed by them (and checked against them in
 * tests). A breaking change to any of these means /api/v2.
 */
import { z } from "@hono/zod-openapi";
import { CLASSIFICATION_SOURCES } from "../../store/classifications-repo.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { RUN_STATUSES } from "../../store/handler-runs-repo.js";
import { HANDLER_TRIGGERS } from "../../store/handler-triggers.js";
import { checkSchema, fieldSchema, INVOICE_STATUSES, lineItemSchema } from "../../store/invoice-columns.js";
import { ERROR_CODES } from "./api-error.js";

const id = z.number().int().positive();
const timestamp = z.string().openapi({ example: "2025-03-12T09:30:00.000Z", description: "ISO-8601, UTC" });
const day = z.iso.date("a day like 2025-01-31");
const record = z.record(z.string(), z.unknown());
const documentStatus = z.enum(DOCUMENT_STATUSES);

// ── requests ────────────────────────────────────────────────────────────────────────────────────────────────────

/** A positive whole number in the path; anything else (a path, `..`, `1.5`) is a 400. */
export const idParam = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "a positive whole number")
    .transform(Number)
    .openapi({ param: { name, in: "path" }, example: "12" });

export const documentParams = z.object({ id: idParam("id") });
export const pageParams = z.object({ id: idParam("id"), page: idParam("page") });

/** A whole number from `min` to `max` in the query string: "abc", "-1" and "1.5" are refused by name. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,15}$/, `a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const limit = (max: number, fallback: number) =>
  wholeNumber(1, max)
    .default(fallback)
    .openapi({ description: `1–${max}, default ${fallback}` });
const offset = wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0).openapi({ description: "skip this many" });

export const searchFilters = {
  category: z.string().min(1).max(100).optional().openapi({ description: "current category" }),
  status: documentStatus.optional(),
  from: day.optional().openapi({ description: "added on or after this day (YYYY-MM-DD)" }),
  to: day.optional().openapi({ description: "added on or before this day (YYYY-MM-DD)" }),
  vendor: z.string().min(1).max(200).optional().openapi({ description: "part of the invoice's vendor name" }),
};

export const documentsQuery = z.strictObject({
  ...searchFilters,
  q: z.string().max(500).optional().openapi({ description: "words in the text (full-text search)" }),
  limit: limit(200, 50),
  offset,
});

export const searchQuery = z.strictObject({
  ...searchFilters,
  q: z.string().min(1, "say what to search for").max(500).openapi({ example: "HR-2025-0417" }),
  limit: limit(200, 20),
  offset,
});

export const invoicesQuery = z.strictObject({
  status: z.enum(INVOICE_STATUSES).optional(),
  since: day.optional().openapi({ description: "dated on or after this day" }),
});

export const runsQuery = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  document: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional().openapi({ description: "a document id" }),
  limit: limit(1000, 100),
});

const by = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .optional()
  .openapi({ description: "who decides (default: the user running docsort serve)" });
const note = z.string().trim().min(1).max(1000).optional();

export const decisionBody = z.strictObject({ by, note });
export const setCategoryBody = (categories: readonly [string, ...string[]]) =>
  z.strictObject({ category: z.enum(categories), by, note });
export const approveBody = z.strictObject({
  by,
  force: z
    .boolean()
    .optional()
    .openapi({ description: "true: approve although checks failed (else 409 with the failed checks)" }),
});
export const rejectBody = z.strictObject({ reason: z.string().trim().min(1, "say why").max(1000), by });

// ── responses ───────────────────────────────────────────────────────────────────────────────────────────────────

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

export const documentSchema = z
  .object({
    id,
    sha256: z.string(),
    path: z.string(),
    name: z.string(),
    size: z.number().int(),
    mime: z.string().nullable(),
    kind: z.string().nullable(),
    status: documentStatus,
    reason: z.string().nullable(),
    duplicateOf: id.nullable(),
    parentId: id.nullable(),
    depth: z.number().int(),
    blobPath: z.string().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    claimedBy: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Document");

export const classificationSchema = z
  .object({
    id,
    documentId: id,
    category: z.string(),
    confidence: z.number(),
    summary: z.string(),
    evidence: z.string(),
    source: z.enum(CLASSIFICATION_SOURCES),
    model: z.string().nullable(),
    promptHash: z.string().nullable(),
    numCtx: z.number().int().nullable(),
    promptTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    estimatedPromptTokens: z.number().int().nullable(),
    latencyMs: z.number().int().nullable(),
    truncated: z.boolean(),
    attempts: z.number().int(),
    rawOutput: z.string().nullable(),
    details: record,
    actor: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: timestamp,
  })
  .openapi("Classification");

export const eventSchema = z
  .object({
    id,
    documentId: id.nullable(),
    type: z.string(),
    fromStatus: documentStatus.nullable(),
    toStatus: documentStatus.nullable(),
    message: z.string().nullable(),
    data: record.nullable(),
    createdAt: timestamp,
  })
  .openapi("Event");

export const runSchema = z
  .object({
    id,
    documentId: id,
    invoiceId: id.nullable(),
    handlerId: id.nullable(),
    handlerName: z.string(),
    handlerKind: z.string(),
    configVersion: z.number().int(),
    position: z.number().int(),
    trigger: z.enum(HANDLER_TRIGGERS),
    category: z.string(),
    classificationId: id.nullable(),
    idempotencyKey: z.string(),
    status: z.enum(RUN_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    claimedBy: z.string().nullable(),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    lastError: z.string().nullable(),
    output: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("HandlerRun");

const money = z.string().nullable().openapi({ description: "decimal amount, e.g. 1148.88" });

export const invoiceSchema = z
  .object({
    id,
    documentId: id,
    status: z.enum(INVOICE_STATUSES),
    documentType: z.enum(["invoice", "credit_note"]),
    vendor: z.string().nullable(),
    vendorKey: z.string().nullable(),
    vendorVatId: z.string().nullable(),
    invoiceNumber: z.string().nullable(),
    numberKey: z.string().nullable(),
    invoiceDate: z.string().nullable(),
    dueDate: z.string().nullable(),
    currency: z.string().nullable(),
    subtotalMinor: z.number().int().nullable(),
    taxMinor: z.number().int().nullable(),
    totalMinor: z.number().int().nullable(),
    subtotal: money,
    tax: money,
    total: money,
    iban: z.string().nullable(),
    purchaseOrder: z.string().nullable(),
    lineItems: z.array(lineItemSchema),
    fields: z.record(z.string(), fieldSchema),
    checks: z.array(checkSchema),
    duplicateOf: id.nullable(),
    duplicateReason: z.string().nullable(),
    archivePath: z.string().nullable(),
    extraction: record,
    decidedBy: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    rejectReason: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Invoice");

export const extractionSummarySchema = z.object({
  method: z.string(),
  mime: z.string(),
  chars: z.number().int(),
  pages: z.number().int().nullable(),
  pagesRead: z.number().int().nullable(),
  encoding: z.string().nullable(),
  language: z.string().nullable(),
  ocrConfidence: z.number().nullable(),
  warnings: z.array(z.string()),
  durationMs: z.number(),
  excerpt: z.string(),
});

export const documentDetailsSchema = z
  .object({
    document: documentSchema,
    extraction: extractionSummarySchema.nullable(),
    classifications: z.array(classificationSchema),
    events: z.array(eventSchema),
    parent: documentSchema.nullable(),
    children: z.array(documentSchema),
    duplicateOf: documentSchema.nullable(),
    duplicates: z.array(documentSchema),
    handlerRuns: z.array(runSchema),
    invoice: invoiceSchema.nullable(),
    /** How many page images /pages/{n} serves (0: none, e.g. a text file). */
    pageImages: z.number().int(),
  })
  .openapi("DocumentDetails");

export const documentTextSchema = z
  .object({
    documentId: id,
    text: z.string(),
    chars: z.number().int(),
    method: z.string(),
    pages: z.number().int().nullable(),
  })
  .openapi("DocumentText");

const snippetSchema = z.array(z.object({ text: z.string(), hit: z.boolean() })).openapi({
  description: "the passage around the best match; parts with hit=true are the words that matched",
});

export const documentHitSchema = z
  .object({
    id,
    name: z.string(),
    status: documentStatus,
    reason: z.string().nullable(),
    mime: z.string().nullable(),
    kind: z.string().nullable(),
    size: z.number().int(),
    category: z.string().nullable(),
    confidence: z.number().nullable(),
    source: z.string().nullable(),
    parentId: id.nullable(),
    duplicateOf: id.nullable(),
    invoiceId: id.nullable(),
    vendor: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    snippet: snippetSchema.nullable(),
    score: z.number().nullable().openapi({ description: "bm25 relevance, higher is better" }),
  })
  .openapi("DocumentListItem");

export const documentPageSchema = z
  .object({
    items: z.array(documentHitSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("DocumentPage");

export const decisionSchema = z
  .object({
    id,
    status: documentStatus,
    category: z.string(),
    changed: z.boolean().openapi({ description: "false: it was already confirmed with this category" }),
    routed: z.boolean(),
    runs: z.number().int().openapi({ description: "handler runs written to the outbox (run at once)" }),
    classificationId: id,
  })
  .openapi("Decision");

export const undoSchema = z
  .object({
    id,
    status: documentStatus,
    undoneClassificationId: id,
    restored: classificationSchema,
  })
  .openapi("Undo");

export const reviewCardSchema = z
  .object({
    id,
    name: z.string(),
    path: z.string(),
    status: z.string(),
    category: z.string().nullable(),
    confidence: z.number().nullable(),
    source: z.string().nullable(),
    summary: z.string(),
    evidence: z.string(),
    reason: z.string(),
    reasonKind: z.string(),
    amount: z.number().nullable(),
    priority: z.boolean(),
    alternatives: z.array(z.object({ category: z.string(), probability: z.number() })),
    similar: z.array(
      z.object({
        documentId: id,
        category: z.string(),
        name: z.string(),
        excerpt: z.string(),
        score: z.number(),
      }),
    ),
  })
  .openapi("ReviewCard");

export const reviewQueueSchema = z
  .object({ items: z.array(reviewCardSchema), total: z.number().int() })
  .openapi("ReviewQueue");

export const approvalSchema = z
  .object({ invoice: invoiceSchema, runs: z.array(runSchema) })
  .openapi("Approval");

export const invoiceDetailsSchema = z
  .object({ invoice: invoiceSchema, runs: z.array(runSchema) })
  .openapi("InvoiceDetails");

export const statsSchema = z
  .object({
    documents: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      byCategory: z.record(z.string(), z.number().int()),
    }),
    bySource: z.record(z.string(), z.number().int()),
    invoices: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
    handlerRuns: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
    reviewQueue: z.number().int(),
    lastEventId: z.number().int(),
  })
  .openapi("Stats");

export const healthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string(),
    schemaVersion: z.number().int(),
    time: timestamp,
  })
  .openapi("Health");

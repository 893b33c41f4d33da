import { type EnqueueOutcome, enqueueData, enqueueRuns } from "../route/enqueue-runs.js";
import { nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { HandlerTrigger } from "../store/handler-triggers.js";
import type { InvoiceCheck, InvoiceStatus } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";
import { type DuplicateMatch, findDuplicate } from "./find-duplicate.js";
import { hasFailure } from "./invoice-checks.js";
import type { InvoiceDraft } from "./normalise-invoice.js";

export interface LedgerEntry {
  document: DocumentRecord;
  classification: { id: number | null; category: string; confidence: number };
  draft: InvoiceDraft;
  checks: InvoiceCheck[];
  archivePath: string | null;
  extraction: Record<string, unknown>;
}

export interface LedgerDecision {
  status: InvoiceStatus;
  duplicate: DuplicateMatch | undefined;
  /** The trigger fired instead of waiting for approval: a duplicate, or an invoice that needs attention. */
  followUp: HandlerTrigger | undefined;
}

export interface LedgerResult {
  decision: LedgerDecision;
  /** The ledger row: written (live), or undefined in a dry run. */
  invoice: InvoiceRecord | undefined;
  /** The document was already in the ledger: nothing was written. */
  alreadyRecorded: boolean;
  /** Handlers the follow-up trigger fires (dry run: would fire). */
  followUpHandlers: string[];
  followUps: EnqueueOutcome | undefined;
}

/** Reads only: which status the invoice gets, whether it duplicates an earlier one, which trigger follows. */
export function decideInvoice(store: Store, entry: LedgerEntry): LedgerDecision {
  const duplicate = findDuplicate(store, entry.draft, entry.document.id);
  if (duplicate) return { status: "duplicate", duplicate, followUp: "invoice.duplicate" };
  if (hasFailure(entry.checks))
    return { status: "needs_attention", duplicate, followUp: "invoice.needs_attention" };
  return { status: "awaiting_approval", duplicate, followUp: undefined };
}

/** What a dry run reports: the same decision, nothing written. */
export function previewInvoice(store: Store, entry: LedgerEntry): LedgerResult {
  const existing = store.invoices.forDocument(entry.document.id);
  const decision = decideInvoice(store, entry);
  const followUpHandlers = decision.followUp
    ? store.handlers
        .match(decision.followUp, entry.classification.category, entry.classification.confidence)
        .flatMap((m) => (m.fires ? [m.handler.name] : []))
    : [];
  return {
    decision,
    invoice: existing,
    alreadyRecorded: existing !== undefined,
    followUpHandlers,
    followUps: undefined,
  };
}

/**
 * Writes the invoice, and the runs of its follow-up trigger, in one transaction: duplicate detection sees every
 * invoice committed before it. A document already in the ledger is left as it is (a repeated run adds nothing).
 */
export function recordInvoice(store: Store, entry: LedgerEntry): LedgerResult {
  return store.transaction(() => {
    const existing = store.invoices.forDocument(entry.document.id);
    const decision = decideInvoice(store, entry);
    if (existing) {
      return {
        decision,
        invoice: existing,
        alreadyRecorded: true,
        followUpHandlers: [],
        followUps: undefined,
      };
    }
    const now = nowIso();
    const { draft } = entry;
    const invoice = store.invoices.insert(
      {
        documentId: entry.document.id,
        status: decision.status,
        documentType: draft.documentType,
        vendor: draft.vendor,
        vendorKey: draft.vendorKey,
        vendorVatId: draft.vendorVatId,
        invoiceNumber: draft.invoiceNumber,
        numberKey: draft.numberKey,
        invoiceDate: draft.invoiceDate,
        dueDate: draft.dueDate,
        currency: draft.currency,
        subtotalMinor: draft.subtotalMinor,
        taxMinor: draft.taxMinor,
        totalMinor: draft.totalMinor,
        iban: draft.iban,
        purchaseOrder: draft.purchaseOrder,
        lineItems: draft.lineItems,
        fields: draft.fields,
        checks: entry.checks,
        duplicateOf: decision.duplicate?.original.id ?? null,
        duplicateReason: decision.duplicate?.reason ?? null,
        archivePath: entry.archivePath,
        extraction: entry.extraction,
      },
      now,
    );
    const followUps = decision.followUp
      ? enqueueRuns(
          store,
          {
            document: entry.document,
            trigger: decision.followUp,
            category: entry.classification.category,
            confidence: entry.classification.confidence,
            classificationId: entry.classification.id,
            invoiceId: invoice.id,
          },
          now,
        )
      : undefined;
    store.events.add(
      {
        documentId: entry.document.id,
        type: "invoice.recorded",
        message: `invoice #${invoice.id}: ${decision.status}${decision.duplicate ? ` (${decision.duplicate.reason})` : ""}`,
        data: {
          invoiceId: invoice.id,
          status: decision.status,
          duplicateOf: invoice.duplicateOf,
          ...(decision.followUp && followUps
            ? { followUp: decision.followUp, ...enqueueData(followUps) }
            : {}),
        },
      },
      now,
    );
    return {
      decision,
      invoice,
      alreadyRecorded: false,
      followUpHandlers: followUps?.created.map((r) => r.handlerName) ?? [],
      followUps,
    };
  });
}

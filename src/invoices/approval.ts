import { UsageError } from "../errors.js";
import { type EnqueueOutcome, enqueueData, enqueueRuns } from "../route/enqueue-runs.js";
import { nowIso } from "../store/clock.js";
import type { InvoiceStatus } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";

const APPROVABLE: readonly InvoiceStatus[] = ["awaiting_approval", "needs_attention"];
const REJECTABLE: readonly InvoiceStatus[] = ["awaiting_approval", "needs_attention", "duplicate"];

/**
 * Refused approval of an invoice whose checks failed (the amounts do not add up, the IBAN is wrong…): approving it
 * anyway is a decision a person makes knowingly, so each front end asks or needs its own "force".
 */
export class FailedChecksError extends UsageError {
  constructor(
    readonly invoiceId: number,
    readonly failed: string,
  ) {
    super(`invoice #${invoiceId} has failed checks: ${failed}`);
    this.name = "FailedChecksError";
  }
}

/**
 * A person approves: the ledger says so and the `invoice.approved` handlers are queued, in one transaction. An
 * invoice that needs attention can be approved too — the person has looked at it; one whose checks failed only
 * with `force` (else FailedChecksError, after the status check: a duplicate is refused as a duplicate first).
 * Throws UsageError for an invoice that is not awaiting approval or needing attention.
 */
export function approveInvoice(
  store: Store,
  id: number,
  by: string,
  options: { force?: boolean } = {},
): { invoice: InvoiceRecord; runs: EnqueueOutcome } {
  return store.transaction(() => {
    const invoice = requireInvoice(store, id);
    if (!APPROVABLE.includes(invoice.status)) {
      const hint =
        invoice.status === "duplicate"
          ? ` (a duplicate of invoice #${invoice.duplicateOf}: approve that one, or run "docsort invoices not-duplicate ${id}" if it is not a duplicate)`
          : "";
      throw new UsageError(
        `invoice #${id} is ${invoice.status}${hint}; only ${APPROVABLE.join(" or ")} invoices can be approved.`,
      );
    }
    const failed = invoice.checks.filter((c) => c.status === "failed");
    if (failed.length > 0 && options.force !== true)
      throw new FailedChecksError(id, failed.map((c) => `${c.name} (${c.message})`).join("; "));
    const document = store.documents.get(invoice.documentId);
    if (!document) throw new Error(`document ${invoice.documentId} of invoice ${id} does not exist`);
    const classification = store.classifications.current(document.id);
    const now = nowIso();
    const after = store.invoices.decide(id, { status: "approved", by, reason: null }, now);
    const runs = enqueueRuns(
      store,
      {
        document,
        trigger: "invoice.approved",
        category: classification?.category ?? "invoice",
        confidence: classification?.confidence ?? 1,
        classificationId: classification?.id ?? null,
        invoiceId: id,
      },
      now,
    );
    store.events.add(
      {
        documentId: document.id,
        type: "invoice.approved",
        message: `invoice #${id} approved by ${by}`,
        data: { invoiceId: id, by, ...enqueueData(runs) },
      },
      now,
    );
    return { invoice: after, runs };
  });
}

export function rejectInvoice(store: Store, id: number, by: string, reason: string): InvoiceRecord {
  return store.transaction(() => {
    const invoice = requireInvoice(store, id);
    if (!REJECTABLE.includes(invoice.status))
      throw new UsageError(
        `invoice #${id} is ${invoice.status}; only ${REJECTABLE.join(", ")} invoices can be rejected.`,
      );
    const now = nowIso();
    const after = store.invoices.decide(id, { status: "rejected", by, reason }, now);
    store.events.add(
      {
        documentId: invoice.documentId,
        type: "invoice.rejected",
        message: `invoice #${id} rejected by ${by}: ${reason}`,
        data: { invoiceId: id, by, reason },
      },
      now,
    );
    return after;
  });
}

export function requireInvoice(store: Store, id: number): InvoiceRecord {
  const invoice = store.invoices.get(id);
  if (!invoice) throw new UsageError(`there is no invoice #${id} (see docsort invoices list).`);
  return invoice;
}

import { UsageError } from "../errors.js";
import { nowIso } from "../store/clock.js";
import type { InvoiceStatus } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";

/**
 * Undoes a rejection: the invoice goes back to the status its checks and duplicate link give it (duplicate,
 * needs_attention or awaiting_approval) and can be approved or rejected again. Nothing is fired: the follow-up
 * handlers of that status ran when the invoice first got it. The rejection stays in the document's events.
 */
export function reopenInvoice(store: Store, id: number, by: string): InvoiceRecord {
  return store.transaction(() => {
    const invoice = store.invoices.get(id);
    if (!invoice) throw new UsageError(`there is no invoice #${id} (see docsort invoices list).`);
    if (invoice.status !== "rejected")
      throw new UsageError(`invoice #${id} is ${invoice.status}; only a rejected invoice can be reopened.`);
    const status: InvoiceStatus = invoice.duplicateOf
      ? "duplicate"
      : invoice.checks.some((c) => c.status === "failed")
        ? "needs_attention"
        : "awaiting_approval";
    const now = nowIso();
    const after = store.invoices.decide(id, { status, by, reason: null }, now);
    store.events.add(
      {
        documentId: invoice.documentId,
        type: "invoice.reopened",
        message: `invoice #${id} reopened by ${by} (rejected by ${invoice.decidedBy ?? "?"}: ${invoice.rejectReason ?? ""}); ${status}`,
        data: {
          invoiceId: id,
          by,
          status,
          rejectedBy: invoice.decidedBy,
          rejectReason: invoice.rejectReason,
        },
      },
      now,
    );
    return after;
  });
}

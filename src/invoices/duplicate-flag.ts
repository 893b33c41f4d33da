import { z } from "zod";
import { UsageError } from "../errors.js";
import { nowIso } from "../store/clock.js";
import type { InvoiceStatus } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";
import { requireInvoice } from "./approval.js";
import { hasFailure } from "./invoice-checks.js";

export const NOT_DUPLICATE_EVENT = "invoice.not_duplicate";
export const NOT_DUPLICATE_UNDONE_EVENT = "invoice.not_duplicate_undone";

/** What a cleared flag was, kept in the event so the decision can be undone. */
const clearedSchema = z.object({
  invoiceId: z.number(),
  previous: z.object({ duplicateOf: z.number().nullable(), duplicateReason: z.string().nullable() }),
  status: z.string(),
});

/**
 * A person says an invoice flagged `duplicate` is not one: the flag and the link are cleared and it takes the status
 * its checks give it (`needs_attention` when one failed, else `awaiting_approval`), so it can be approved. Recorded
 * as an `invoice.not_duplicate` event with what was cleared; no handler runs until it is approved.
 */
export function clearDuplicateFlag(store: Store, id: number, by: string, note: string | null): InvoiceRecord {
  return store.transaction(() => {
    const invoice = requireInvoice(store, id);
    if (invoice.status !== "duplicate") {
      throw new UsageError(`invoice #${id} is ${invoice.status}, not duplicate; there is no flag to clear.`);
    }
    const status: InvoiceStatus = hasFailure(invoice.checks) ? "needs_attention" : "awaiting_approval";
    const now = nowIso();
    const after = store.invoices.setDuplicate(id, { status, duplicateOf: null, duplicateReason: null }, now);
    store.events.add(
      {
        documentId: invoice.documentId,
        type: NOT_DUPLICATE_EVENT,
        message: `invoice #${id} is not a duplicate of invoice #${invoice.duplicateOf}, says ${by}${note ? `: ${note}` : ""}; now ${status}`,
        data: {
          invoiceId: id,
          by,
          note,
          status,
          previous: { duplicateOf: invoice.duplicateOf, duplicateReason: invoice.duplicateReason },
        },
      },
      now,
    );
    return after;
  });
}

/**
 * Undoes the last `not-duplicate` decision on an invoice: the flag and the link come back. Refused when the invoice
 * was decided on since (approved or rejected): that decision may already have run handlers.
 */
export function undoNotDuplicate(store: Store, id: number, by: string): InvoiceRecord {
  return store.transaction(() => {
    const invoice = requireInvoice(store, id);
    const last = store.events
      .forDocument(invoice.documentId)
      .filter((event) => event.type === NOT_DUPLICATE_EVENT || event.type === NOT_DUPLICATE_UNDONE_EVENT)
      .filter((event) => event.data?.invoiceId === id)
      .at(-1);
    const cleared = last?.type === NOT_DUPLICATE_EVENT ? clearedSchema.safeParse(last.data) : undefined;
    if (!cleared?.success) {
      throw new UsageError(`invoice #${id} has no "not-duplicate" decision to undo.`);
    }
    if (invoice.status !== cleared.data.status) {
      throw new UsageError(
        `invoice #${id} is ${invoice.status} since it was cleared; undo only works before it is decided on.`,
      );
    }
    const { duplicateOf, duplicateReason } = cleared.data.previous;
    const now = nowIso();
    const after = store.invoices.setDuplicate(id, { status: "duplicate", duplicateOf, duplicateReason }, now);
    store.events.add(
      {
        documentId: invoice.documentId,
        type: NOT_DUPLICATE_UNDONE_EVENT,
        message: `invoice #${id} is flagged duplicate of invoice #${duplicateOf} again (undone by ${by})`,
        data: { invoiceId: id, by, duplicateOf },
      },
      now,
    );
    return after;
  });
}

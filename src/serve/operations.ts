import { requeueRuns, runToRetry } from "../handlers/retry-runs.js";
import { approveInvoice, rejectInvoice } from "../invoices/approval.js";
import { resolveActor } from "../review/actor.js";
import { type DecisionReport, decisionReport } from "../review/decision-report.js";
import { acceptDocument, setCategory, type UndoOutcome, undoDecision } from "../review/human-decisions.js";
import type { HandlerRunRecord } from "../store/handler-runs-repo.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";
import type { HandlerRunner } from "./handler-runner.js";

/**
 * The operations the API and the pages share: thin wrappers over the same review and invoice functions the CLI
 * calls, plus running the handler runs they create. A decision is one code path, whichever front end made it.
 */
export interface Operations {
  accept(id: number, input: DecisionInput): DecisionReport;
  setCategory(id: number, category: string, input: DecisionInput): DecisionReport;
  undo(id: number, input: DecisionInput): UndoOutcome;
  /** Throws FailedChecksError when checks failed and `force` is not true. */
  approveInvoice(
    id: number,
    by: string | undefined,
    force: boolean,
  ): { invoice: InvoiceRecord; runs: HandlerRunRecord[] };
  rejectInvoice(id: number, reason: string, by: string | undefined): InvoiceRecord;
  retryRun(id: number): HandlerRunRecord;
}

export interface DecisionInput {
  by?: string | undefined;
  note?: string | undefined;
}

export function createOperations(
  store: Store,
  categories: readonly string[],
  runner: HandlerRunner,
): Operations {
  const request = (input: DecisionInput) => ({ actor: resolveActor(input.by), note: input.note });
  const routed = (report: DecisionReport) => {
    if (report.runs > 0) runner.start([report.id]);
    return report;
  };
  return {
    accept: (id, input) => routed(decisionReport(acceptDocument(store, id, request(input)))),
    setCategory: (id, category, input) =>
      routed(decisionReport(setCategory(store, id, category, categories, request(input)))),
    undo: (id, input) => undoDecision(store, id, request(input)),
    approveInvoice(id, by, force) {
      const { invoice, runs } = approveInvoice(store, id, resolveActor(by), { force });
      if (runs.created.length > 0) runner.start([invoice.documentId]);
      return { invoice, runs: runs.created };
    },
    rejectInvoice: (id, reason, by) => rejectInvoice(store, id, resolveActor(by), reason),
    retryRun(id) {
      const [run] = requeueRuns(store, [runToRetry(store, id)]);
      if (!run) throw new Error(`run #${id} could not be re-queued`);
      runner.start([run.documentId]);
      return run;
    },
  };
}

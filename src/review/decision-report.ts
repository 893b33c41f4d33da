import type { DecisionOutcome } from "./human-decisions.js";

/** A decision as `accept --json`, `set --json` and the HTTP API report it. */
export interface DecisionReport {
  id: number;
  status: DecisionOutcome["document"]["status"];
  category: string;
  /** False when the document was already confirmed with this category. */
  changed: boolean;
  /** True when the decision sent the document to its handlers. */
  routed: boolean;
  /** Handler runs written to the outbox. */
  runs: number;
  classificationId: number;
}

export function decisionReport(outcome: DecisionOutcome): DecisionReport {
  return {
    id: outcome.document.id,
    status: outcome.document.status,
    category: outcome.classification.category,
    changed: outcome.changed,
    routed: outcome.route !== undefined,
    runs: outcome.route?.runs ?? 0,
    classificationId: outcome.classification.id,
  };
}

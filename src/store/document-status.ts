export const DOCUMENT_STATUSES = [
  "queued",
  "extracting",
  "classifying",
  "routing",
  "done",
  "needs_review",
  "failed",
  "quarantined",
  "duplicate",
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<DocumentStatus> = new Set([
  "done",
  "needs_review",
  "failed",
  "quarantined",
  "duplicate",
]);

export function isFinal(status: DocumentStatus): boolean {
  return FINAL_STATUSES.has(status);
}

import type { ClassificationDecision, DocumentClassifier } from "../classify/document-classifier.js";
import { ModelCallError } from "../classify/model-errors.js";
import { errorMessage } from "../errors.js";
import { routeDocument } from "../route/route-document.js";
import type { ClassificationRecord, ClassificationSource } from "../store/classifications-repo.js";
import { nowIso } from "../store/clock.js";
import type { DocumentStatus } from "../store/document-status.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";
import { syncConfirmedExample } from "./confirmed-examples.js";

export interface ReclassifySelection {
  ids?: readonly number[] | undefined;
  category?: string | undefined;
  source?: ClassificationSource | undefined;
  /** Documents in this state: `failed` picks the ones whose model answer failed, to try them again. */
  status?: DocumentStatus | undefined;
}

export interface ReclassifyOptions {
  dryRun: boolean;
  /** Also documents a person decided on (their decision is then replaced by the automatic one). */
  force: boolean;
  minConfidence: number;
  minChars: number;
  signal?: AbortSignal;
  /** Called once the documents are chosen, with how many there are. */
  onSelected?: (count: number) => void;
  /** Called after each document, in order, before the next one starts. */
  onResult?: (result: ReclassifyResult) => void;
}

interface Verdict {
  category: string;
  confidence: number;
  source: string;
}

export interface ReclassifyResult {
  id: number;
  name: string;
  before: Verdict | null;
  after: Verdict | null;
  /** What happened (or, with --dry-run, would happen). */
  action: "route" | "review" | "keep" | "skip" | "fail";
  reason: string | null;
}

const BUSY: ReadonlySet<DocumentStatus> = new Set(["queued", "extracting", "classifying", "routing"]);
const OWNER = `reclassify:${process.pid}`;

/**
 * Runs classification again on stored text, e.g. after a prompt or model change. Documents a person decided on
 * are left alone unless forced; a changed category is routed to the handlers of the new one.
 */
export async function reclassifyDocuments(
  store: Store,
  classifier: DocumentClassifier,
  selection: ReclassifySelection,
  options: ReclassifyOptions,
): Promise<ReclassifyResult[]> {
  const results: ReclassifyResult[] = [];
  const documents = selectDocuments(store, selection);
  options.onSelected?.(documents.length);
  for (const document of documents) {
    const result = await reclassifyOne(store, classifier, document, options);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

function selectDocuments(store: Store, selection: ReclassifySelection): DocumentRecord[] {
  if (selection.ids && selection.ids.length > 0) {
    return selection.ids
      .map((id) => store.documents.get(id))
      .filter((d): d is DocumentRecord => d !== undefined);
  }
  const where: string[] = ["d.duplicate_of IS NULL"];
  const params: string[] = [];
  if (selection.category) {
    where.push("c.category = ?");
    params.push(selection.category);
  }
  if (selection.source) {
    where.push("c.source = ?");
    params.push(selection.source);
  }
  if (selection.status) {
    where.push("d.status = ?");
    params.push(selection.status);
  }
  // a document whose model answer failed may have no classification at all: LEFT JOIN keeps it
  const rows = store.db
    .prepare<string[], { id: number }>(`
      SELECT d.id FROM documents d
      LEFT JOIN classifications c ON c.id = (SELECT max(id) FROM classifications WHERE document_id = d.id)
      WHERE ${where.join(" AND ")} ORDER BY d.id`)
    .all(...params);
  return rows.map((r) => store.documents.get(r.id)).filter((d): d is DocumentRecord => d !== undefined);
}

async function reclassifyOne(
  store: Store,
  classifier: DocumentClassifier,
  document: DocumentRecord,
  options: ReclassifyOptions,
): Promise<ReclassifyResult> {
  const current = store.classifications.current(document.id);
  const base = { id: document.id, name: document.name, before: verdict(current), after: null };
  const skip = (reason: string): ReclassifyResult => ({ ...base, action: "skip", reason });
  if (document.status === "duplicate") return skip(`duplicate of #${document.duplicateOf}`);
  if (BUSY.has(document.status)) return skip(`${document.status}: docsort is working on it`);
  if (current?.source === "human" && !options.force) {
    return skip(`decided by ${current.actor ?? "a person"}; use --force to classify it again anyway`);
  }
  const text = store.extractions.latest(document.id)?.text ?? "";
  if (text.replace(/\s+/g, "").length < options.minChars) return skip("no text");
  if (!options.dryRun && !store.documents.claim(document.id, OWNER, nowIso())) {
    return skip("another docsort process holds it");
  }

  let decision: ClassificationDecision;
  try {
    decision = await classifier.classify(
      { documentId: document.id, name: document.name, text },
      options.signal,
    );
  } catch (error) {
    if (!options.dryRun) store.documents.release(document.id, nowIso());
    if (error instanceof ModelCallError && (error.kind === "unavailable" || error.kind === "cancelled"))
      throw error;
    return { ...base, action: "fail", reason: errorMessage(error) };
  }
  const after = { category: decision.category, confidence: decision.confidence, source: decision.source };
  const why =
    decision.reviewReason ??
    (decision.confidence < options.minConfidence
      ? `low confidence (${decision.confidence.toFixed(2)} < ${options.minConfidence})`
      : undefined);
  const unchanged = document.status === "done" && current?.category === decision.category;
  const action = why ? "review" : unchanged ? "keep" : "route";
  if (options.dryRun) return { ...base, after, action, reason: why ?? null };

  store.transaction(() => {
    const { reviewReason: _reason, ...stored } = decision;
    store.classifications.add(
      {
        ...stored,
        documentId: document.id,
        actor: null,
        note: null,
        details: { ...stored.details, reclassified: true, reviewReason: why },
      },
      nowIso(),
    );
    syncConfirmedExample(store, document.id);
    const message = `${decision.category} ${decision.confidence.toFixed(2)} (${decision.source})`;
    const data = { category: decision.category, confidence: decision.confidence, source: decision.source };
    if (action === "keep") {
      store.events.add({ documentId: document.id, type: "reclassified", message, data }, nowIso());
      store.documents.release(document.id, nowIso());
      return;
    }
    store.transition(document.id, {
      to: action === "review" ? "needs_review" : "routing",
      event: "reclassified",
      reason: why ?? null,
      message,
      data,
      patch: { claimedBy: action === "review" ? null : OWNER },
    });
  });
  if (action === "route") routeDocument(store, document.id);
  return { ...base, after, action, reason: why ?? null };
}

function verdict(c: ClassificationRecord | undefined): Verdict | null {
  return c ? { category: c.category, confidence: c.confidence, source: c.source } : null;
}

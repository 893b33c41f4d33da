import { nowIso } from "../store/clock.js";
import { isFinal } from "../store/document-status.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import { runClassification } from "./classify-stage.js";
import type { PipelineContext } from "./context.js";
import { runExtraction } from "./extract-stage.js";

/**
 * Runs one document (and then the documents found inside it) through the pipeline in this process, one after
 * the other: what `docsort classify FILE` does. Returns every document touched, parent first.
 */
export async function processDocument(
  ctx: PipelineContext,
  id: number,
  signal: AbortSignal,
): Promise<DocumentRecord[]> {
  const document = ctx.store.documents.get(id);
  if (!document) return [];
  if (isFinal(document.status) || !ctx.store.documents.claim(id, ctx.owner, nowIso())) {
    return [document, ...(await processChildren(ctx, document, signal))];
  }
  const claimed = ctx.store.documents.get(id) ?? document;
  let outcome = ctx.store.extractions.latest(id)
    ? { kind: "classify" as const, document: claimed }
    : await runExtraction(ctx, claimed, signal);
  if (outcome.kind === "classify") outcome = await runClassification(ctx, outcome.document, signal);
  return [outcome.document, ...(await processChildren(ctx, outcome.document, signal))];
}

async function processChildren(
  ctx: PipelineContext,
  parent: DocumentRecord,
  signal: AbortSignal,
): Promise<DocumentRecord[]> {
  const touched: DocumentRecord[] = [];
  for (const child of ctx.store.documents.children(parent.id)) {
    touched.push(...(await processDocument(ctx, child.id, signal)));
  }
  return touched;
}

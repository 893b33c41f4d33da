import { lstatSync } from "node:fs";
import { errorMessage } from "../errors.js";
import { ExtractionError, type ExtractionResult } from "../extract/types.js";
import { registerFoundFile } from "../intake/register-found-file.js";
import { handOverToCopy } from "../intake/unread-original.js";
import { isoAfter, nowIso } from "../store/clock.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { PipelineContext, StageOutcome } from "./context.js";
import { requeue } from "./requeue.js";
import { type InterruptionCause, recordInterruption } from "./retry-later.js";

/** Failures that say more about this run than about the file: tried again, up to reliability.maxInterruptions. */
const INTERRUPTIONS: Partial<Record<string, InterruptionCause>> = {
  timeout: "timeout",
  crashed: "crash",
};

/**
 * Stopped only because other documents were being read at the same time (docsort as a whole was over
 * extract.maxMemoryMb): not the document's fault, so not counted; it is read again a little later, behind
 * fresh work. One that needs most of the limit on its own is quarantined by the pool instead.
 */
const MEMORY_RETRY_MS = 5000;

/**
 * queued → extracting → classifying, or a final state with a reason (quarantined, needs_review, failed). A document
 * the pipeline claimed with Store.claimForExtraction is `extracting` already, its attempt counted.
 */
export async function runExtraction(
  ctx: PipelineContext,
  claimed: DocumentRecord,
  signal: AbortSignal,
): Promise<StageOutcome> {
  const { store, config } = ctx;
  const document =
    claimed.status === "extracting" && claimed.claimedBy === ctx.owner
      ? claimed
      : store.transition(claimed.id, {
          to: "extracting",
          patch: { attempts: claimed.attempts + 1, claimedBy: ctx.owner },
        });
  const source = document.blobPath ?? document.path;
  const problem = checkSource(source, document);
  if (problem) return finish(ctx, document, "failed", problem);
  if (document.size > config.extract.maxFileBytes) {
    return finish(ctx, document, "quarantined", tooLarge(document.size, config.extract.maxFileBytes), {
      code: "too_large",
    });
  }

  let result: ExtractionResult;
  try {
    result = await ctx.extractor.extract(
      { path: source, name: document.name, depth: document.depth },
      signal,
      {
        inProcess: document.lane === "light",
      },
    );
  } catch (error) {
    if (signal.aborted) return requeue(ctx, document, "interrupted", "docsort stopped during extraction");
    if (error instanceof ExtractionError && error.code === "memory_pressure")
      return requeue(ctx, document, "memory_pressure", error.message, isoAfter(MEMORY_RETRY_MS));
    const cause = error instanceof ExtractionError ? INTERRUPTIONS[error.code] : undefined;
    if (cause && error instanceof ExtractionError) {
      const after = recordInterruption(
        store,
        document,
        cause,
        error.message,
        config.reliability.maxInterruptions,
      );
      return after.status === "queued"
        ? { kind: "requeued", document: after }
        : { kind: "finished", document: after };
    }
    if (error instanceof ExtractionError) {
      return finish(ctx, document, "quarantined", error.message, {
        code: error.code,
        mime: error.type?.mime,
      });
    }
    return finish(ctx, document, "quarantined", `extraction failed: ${errorMessage(error)}`, {
      code: "crashed",
    });
  }

  const attached = result.children ?? [];
  const found = attached.length > 0 && ctx.opensAttachments?.(document) === false ? [] : attached;
  const children = await Promise.all(
    found.map(async (child) => ({
      name: child.name,
      size: child.bytes.byteLength,
      ...(await ctx.blobs.put(child.bytes)),
    })),
  );
  const text = result.text.trim();
  const enough = text.replace(/\s+/g, "").length >= config.extract.minChars;
  const after = store.transaction(() => {
    const now = new Date().toISOString();
    store.extractions.add(
      {
        documentId: document.id,
        text: result.text,
        method: result.method,
        mime: result.type.mime,
        kind: result.type.kind,
        pages: result.pages ?? null,
        pagesRead: result.pagesRead ?? null,
        encoding: result.encoding ?? null,
        language: result.language ?? null,
        ocrConfidence: result.ocrConfidence ?? null,
        warnings: result.warnings,
        durationMs: result.durationMs,
      },
      now,
    );
    for (const child of children) addChild(ctx, document, child, now);
    const data = {
      chars: result.text.length,
      method: result.method,
      pages: result.pages,
      children: children.length,
    };
    if (!enough) {
      const why = text.length === 0 ? "no text" : `no text (only ${text.length} characters)`;
      return store.transition(document.id, {
        to: "needs_review",
        reason: why,
        data,
        patch: { mime: result.type.mime, kind: result.type.kind, claimedBy: null },
      });
    }
    return store.transition(document.id, {
      to: "classifying",
      event: "extracted",
      message: `${result.text.length} characters (${result.method})`,
      data,
      patch: { mime: result.type.mime, kind: result.type.kind },
    });
  });
  return after.status === "classifying"
    ? { kind: "classify", document: after }
    : { kind: "finished", document: after };
}

interface StoredChild {
  name: string;
  size: number;
  sha256: string;
  path: string;
}

function addChild(ctx: PipelineContext, parent: DocumentRecord, child: StoredChild, now: string): void {
  registerFoundFile(
    ctx.store,
    {
      sha256: child.sha256,
      path: `${parent.path}#${child.name}`,
      name: child.name,
      size: child.size,
      parentId: parent.id,
      depth: parent.depth + 1,
      blobPath: child.path,
    },
    `inside document #${parent.id}`,
    now,
  );
}

/** One lstat(2), blocking: microseconds, where an asynchronous one costs the main thread more (read-small-file.ts). */
function checkSource(source: string, document: DocumentRecord): string | undefined {
  try {
    const stats = lstatSync(source);
    if (!stats.isFile())
      return "the file was replaced by something that is not a regular file (a link?); nothing is read";
    if (stats.size !== document.size) {
      return "the file changed before docsort could read it; the new content is taken in as a new document";
    }
    return undefined;
  } catch {
    return `the file is gone (${source}); nothing to read`;
  }
}

function tooLarge(size: number, max: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `file too large: ${mb(size)} is over the limit of ${mb(max)} (extract.maxFileBytes)`;
}

function finish(
  ctx: PipelineContext,
  document: DocumentRecord,
  to: "failed" | "quarantined",
  reason: string,
  data?: Record<string, unknown>,
): StageOutcome {
  const after = ctx.store.transaction(() => {
    const ended = ctx.store.transition(document.id, {
      to,
      reason,
      ...(data ? { data } : {}),
      patch: { claimedBy: null },
    });
    handOverToCopy(ctx.store, ended, nowIso());
    return ended;
  });
  return { kind: "finished", document: after };
}

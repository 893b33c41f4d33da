import { errorMessage } from "../errors.js";
import { routeDocument } from "../route/route-document.js";
import { nowIso } from "../store/clock.js";
import { isFinal } from "../store/document-status.js";
import type { DocumentRecord, Lane } from "../store/documents-repo.js";
import { runClassification } from "./classify-stage.js";
import type { PipelineContext, StageOutcome } from "./context.js";
import { runExtraction } from "./extract-stage.js";

/**
 * Requests sent beyond model.parallel, per model host: the server queues them, so a slot that frees takes the next prompt at once
 * instead of idling while docsort records the answer and prepares the next request.
 */
const QUEUED_AT_SERVER = 1;

/** Plain-text documents read in the daemon at once (each takes well under a millisecond of CPU). */
const LIGHT_AT_ONCE = 4;

export interface PipelineEvents {
  /** A document reached a final state (done, needs_review, failed, quarantined). */
  onFinished?: (document: DocumentRecord, elapsedMs: number) => void;
}

/**
 * Claims queued documents and runs them through extraction (up to `extract.workers` at once) and classification
 * (up to `model.parallel` at once). Extraction runs ahead of the model, so the model never idles while work waits.
 */
export class Pipeline {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly readyForModel: DocumentRecord[] = [];
  private readonly startedAt = new Map<number, number>();
  private readonly extracting: Record<Lane, number> = { light: 0, heavy: 0 };
  private classifying = 0;
  private stopped = false;
  /** Whether queued documents may have their text stored already (see claimWork). */
  private mayHaveExtracted = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly events: PipelineEvents = {},
  ) {}

  start(tickMs = 1000): void {
    this.timer = setInterval(() => this.wake(true), tickMs);
    this.timer.unref();
    this.wake(true);
  }

  /**
   * New work may be there (a file was registered, the model came back, a retry is due). With `interrupted`, also
   * documents whose routing was interrupted (released by recovery): looked for at start and on every tick, not on
   * every wake.
   */
  wake(interrupted = false): void {
    if (interrupted) this.mayHaveExtracted = true;
    if (!this.stopped) this.pump(interrupted);
  }

  isIdle(): boolean {
    return this.running.size === 0 && this.readyForModel.length === 0;
  }

  get load(): { extracting: number; classifying: number; waiting: number } {
    return { extracting: this.reading, classifying: this.classifying, waiting: this.readyForModel.length };
  }

  private get reading(): number {
    return this.extracting.light + this.extracting.heavy;
  }

  /** Stops claiming, cancels work in flight and puts it back in the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.controller.abort();
    await Promise.allSettled([...this.running]);
    for (const document of this.readyForModel.splice(0)) {
      this.ctx.store.transition(document.id, {
        to: "queued",
        event: "interrupted",
        reason: "docsort stopped before classification",
        patch: { claimedBy: null },
      });
    }
  }

  private pump(interrupted: boolean): void {
    if (this.ctx.storage?.paused) return;
    try {
      if (interrupted) this.routeInterrupted();
      this.claimWork();
    } catch (error) {
      // a claim that cannot be written (the disk is full) waits for the guard; anything else is logged
      if (!this.ctx.storage?.pause(error))
        this.ctx.logger.error(`the pipeline could not take work: ${errorMessage(error)}`);
    }
  }

  /**
   * Takes work in this order: documents whose text is stored (they only wait for the model), then plain-text
   * documents (read in the daemon at once), then the rest (PDFs, scans: the extraction processes), so a cheap
   * document never waits behind OCR while a model slot could take it.
   */
  private claimWork(): void {
    const { extract, model } = this.ctx.config;
    const { store, owner } = this.ctx;
    const ahead = model.parallel + model.parallel + extract.workers;
    const wanted = () => this.readyForModel.length + this.classifying + this.reading < ahead;
    // documents with text wait in the queue only after a restart, a requeue or a closed gate: not looked for
    // on every wake (the query passes every queued document when there are none)
    while (!this.stopped && this.mayHaveExtracted && this.ctx.gate.isOpen() && wanted()) {
      const document = store.documents.claimExtracted(owner, nowIso());
      if (!document) {
        this.mayHaveExtracted = false;
        break;
      }
      this.startedAt.set(document.id, performance.now());
      this.readyForModel.push(document);
    }
    for (const lane of ["light", "heavy"] as const) {
      const limit = lane === "light" ? LIGHT_AT_ONCE : extract.workers;
      while (!this.stopped && this.extracting[lane] < limit && wanted()) {
        const document = store.claimForExtraction(owner, lane);
        if (!document) break;
        this.startedAt.set(document.id, performance.now());
        this.startExtraction(document, lane);
      }
    }
    this.startClassifications();
  }

  /** Documents classified before a crash but not yet routed: routing is quick and idempotent. */
  private routeInterrupted(): void {
    for (;;) {
      const document = this.ctx.store.documents.claimNextRouting(this.ctx.owner, nowIso());
      if (!document) return;
      try {
        this.events.onFinished?.(routeDocument(this.ctx.store, document.id).document, 0);
      } catch (error) {
        this.onUnexpected(document, error);
      }
    }
  }

  /** A document whose progress could not be written: back to the queue, as it was before this attempt. */
  private putBack(id: number): void {
    const document = this.ctx.store.documents.get(id);
    if (!document || document.claimedBy !== this.ctx.owner) return;
    if (isFinal(document.status) || document.status === "routing") {
      this.ctx.store.documents.release(id, nowIso());
      return;
    }
    this.ctx.store.transition(id, {
      to: "queued",
      event: "resumed",
      message: "the data folder could not be written (full disk); tried again",
      patch: { claimedBy: null },
    });
  }

  private startExtraction(document: DocumentRecord, lane: Lane): void {
    this.extracting[lane] += 1;
    this.track(
      document,
      () => runExtraction(this.ctx, document, this.controller.signal),
      () => {
        this.extracting[lane] -= 1;
      },
    );
  }

  private startClassifications(): void {
    while (
      !this.stopped &&
      this.classifying <
        this.ctx.config.model.parallel + QUEUED_AT_SERVER * this.ctx.config.model.hosts.length
    ) {
      const document = this.readyForModel.shift();
      if (!document) return;
      this.classifying += 1;
      this.track(
        document,
        () => runClassification(this.ctx, document, this.controller.signal),
        () => {
          this.classifying -= 1;
        },
      );
    }
  }

  private track(document: DocumentRecord, stage: () => Promise<StageOutcome>, release: () => void): void {
    const work = stage()
      .then((outcome) => {
        release();
        this.onOutcome(outcome);
      })
      .catch((error: unknown) => {
        release();
        this.onUnexpected(document, error);
      })
      .finally(() => {
        this.running.delete(work);
        this.wake();
      });
    this.running.add(work);
  }

  private onOutcome(outcome: StageOutcome): void {
    const { document } = outcome;
    if (outcome.kind === "requeued") this.mayHaveExtracted = true;
    if (outcome.kind === "classify") {
      this.readyForModel.push(document);
      return;
    }
    const started = this.startedAt.get(document.id);
    this.startedAt.delete(document.id);
    if (outcome.kind === "finished")
      this.events.onFinished?.(document, started ? performance.now() - started : 0);
  }

  /**
   * A bug or a database error: the document is marked failed with the reason instead of being stranded. When the
   * disk is full nothing is wrong with the document: it goes back to the queue once there is space again.
   */
  private onUnexpected(document: DocumentRecord, error: unknown): void {
    if (this.ctx.storage?.pause(error, () => this.putBack(document.id))) return;
    const reason = `internal error: ${errorMessage(error)}`;
    this.ctx.logger.error(`document #${document.id} (${document.name}): ${reason}`, {
      stack: error instanceof Error ? error.stack : undefined,
    });
    try {
      const after = this.ctx.store.transition(document.id, {
        to: "failed",
        reason,
        patch: { claimedBy: null },
      });
      this.events.onFinished?.(after, 0);
    } catch (storeError) {
      this.ctx.logger.error(
        `cannot record the failure of document #${document.id}: ${errorMessage(storeError)}`,
      );
    }
  }
}

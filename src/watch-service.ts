import path from "node:path";
import type { App } from "./app.js";
import { fallsBackToBuiltin, recordServerContact } from "./classify/builtin/fallback-policy.js";
import { chatThread } from "./classify/chat-thread/chat-thread.js";
import { checkAnyHost } from "./classify/hosts/hosts-health.js";
import { describeTaken } from "./cli/mail-lines.js";
import type { ProgressReporter } from "./cli/progress-reporter.js";
import { boundDaemonMemory } from "./daemon-memory.js";
import { describeRun, waitingRunsNote } from "./handlers/describe-run.js";
import { filingRoots } from "./handlers/filing-roots.js";
import type { OutboxWorker } from "./handlers/outbox-worker.js";
import { recoverRuns } from "./handlers/recover-runs.js";
import { Intake } from "./intake/intake.js";
import { recoverOrphans, registerInstance } from "./pipeline/instance-registry.js";
import { Pipeline } from "./pipeline/pipeline.js";
import { removeLeftovers } from "./pipeline/remove-leftovers.js";
import { nowIso } from "./store/clock.js";
import { StorageGuard } from "./store/storage-guard.js";
import { startWalCheckpoints, type WalCheckpoints } from "./store/wal-checkpoints.js";

export interface WatchOptions {
  once: boolean;
  poll: boolean;
  reporter: ProgressReporter;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  stopRequested: Promise<void>;
}

export interface WatchResult {
  /** Documents still waiting (only with --once, when the model stayed unavailable). */
  waiting: number;
  reason: string | undefined;
}

/** The daemon: intake feeds the store, the pipeline drains it. With `once`, it returns when all is final. */
export async function runWatch(app: App, options: WatchOptions): Promise<WatchResult> {
  const { config, store, logger } = app;
  // what the first model call needs loads at once and side by side: the model server is asked, the classifier
  // (LangChain) and the extractor are imported while the store is tidied up; the handler kinds load after the scan
  // model requests move to a thread of their own after the first answer (see ChatThread)
  chatThread.use();
  const healthCheck = checkAnyHost(config.model);
  const classifierLoad = app.createClassifier();
  const extractorLoad = app.createExtractor();
  // a failed load is awaited below; this keeps it from counting as unhandled meanwhile
  for (const load of [classifierLoad, extractorLoad]) load.catch(() => undefined);
  const lease = registerInstance(store, options.once ? "watch --once" : "watch");
  recoverOrphans(store, logger, config.reliability.maxInterruptions);
  recoverRuns(store, logger);
  await removeLeftovers(store, app.blobs(), logger);
  boundDaemonMemory(store.db);
  // the checkpoint thread starts with the first finished document, once the start-up's loading is over
  let checkpoints: WalCheckpoints | undefined;
  const storage = new StorageGuard({ db: store.db, home: config.home, logger });
  const lastReported = new Map<number, string | null>();
  let outbox: OutboxWorker | undefined;
  const extractor = await extractorLoad;
  let pipeline: Pipeline | undefined;
  const gate = app.createGate(() => pipeline?.wake(true));
  pipeline = new Pipeline(
    { ...app.pipelineContext(lease.id, extractor, gate, await classifierLoad), storage },
    {
      onFinished: (document, elapsedMs) => {
        options.reporter.finished(document, store.classifications.current(document.id), elapsedMs);
        outbox?.wake();
        checkpoints ??= startWalCheckpoints(store.db, logger);
      },
    },
  );
  const intake = new Intake({
    inbox: config.inbox,
    config: { ...config.intake, usePolling: config.intake.usePolling || options.poll },
    maxFileBytes: config.extract.maxFileBytes,
    store,
    logger,
    storage,
    excludeDirs: [config.home, ...filingRoots(store, config)],
    onRegistered: (outcome) => {
      options.reporter.registered(outcome);
      // what intake refused to read (a link, a FIFO, a file too large, permission denied) is final at once
      if (outcome.kind === "new" && outcome.document.status === "quarantined")
        options.reporter.finished(outcome.document, undefined, 0);
      pipeline?.wake();
    },
  });

  const mail =
    config.mail.accounts.length > 0
      ? await app.createMailIntake((taken) => {
          options.reporter.line(describeTaken(taken));
          pipeline?.wake();
        })
      : undefined;
  storage.onResume(() => {
    pipeline?.wake();
    outbox?.wake();
    void intake.scan();
  });
  // a daemon logs what went wrong and goes on; it does not end over one unexpected rejection
  const onRejection = (reason: unknown) =>
    logger.error(`unexpected error: ${reason instanceof Error ? reason.message : String(reason)}`, {
      stack: reason instanceof Error ? reason.stack : undefined,
    });
  process.on("unhandledRejection", onRejection);

  const health = await healthCheck;
  recordServerContact(store.meta, health, nowIso());
  if (health.ok)
    logger.info(`model ${config.model.name} at ${config.model.hosts.map((h) => h.url).join(", ")} is ready`);
  else if (fallsBackToBuiltin(config.model.fallback, store.meta)) {
    logger.warn(`${health.message}; classifying with the built-in classifier meanwhile (model.fallback)`);
  } else gate.close(health.message);

  const statusTimer = setInterval(
    () => options.reporter.status(store.documents.countByStatus(), gate.reason),
    500,
  );
  statusTimer.unref();
  try {
    // the pipeline runs from the first registered file on, while the scan goes on
    pipeline.start();
    await intake.start(!options.once);
    outbox = await app.createOutboxWorker(lease.id, {
      storage,
      onFinished: (run) => {
        // a run that keeps failing the same way (the model is down) is reported once, not at every retry
        const repeat = run.status === "failed" && lastReported.get(run.id) === run.lastError;
        lastReported.set(run.id, run.lastError);
        if (repeat) logger.debug(describeRun(run));
        else options.reporter.line(describeRun(run));
      },
    });
    outbox.start();
    if (options.once) await mail?.syncOnce();
    else mail?.start();
    logger.info(`watching ${config.inbox}${options.once ? " (once)" : ""}`);
    if (options.once) {
      const settled = await Promise.race([
        untilSettled(intake, pipeline, app, () => gate.reason),
        options.stopRequested.then(() => ({ waiting: store.documents.countUnfinished(), reason: "stopped" })),
      ]);
      if (settled.reason !== "stopped") await Promise.race([outbox.drain(), options.stopRequested]);
      const note = waitingRunsNote(store, nowIso());
      if (note) options.reporter.line(note);
      return settled;
    }
    await options.stopRequested;
    return { waiting: store.documents.countUnfinished(), reason: undefined };
  } finally {
    clearInterval(statusTimer);
    storage.stop();
    process.off("unhandledRejection", onRejection);
    options.reporter.clearStatus();
    gate.stop();
    await mail?.stop();
    await intake.stop();
    await pipeline.stop();
    await outbox?.stop();
    await extractor.close();
    await checkpoints?.stop();
    lease.release();
    logger.info(`stopped watching ${path.relative(process.cwd(), config.inbox) || "."}`);
  }
}

/** `--once` waits for a document's next try of the model when it is this close; later ones are left waiting. */
const ONCE_WAITS_FOR_RETRIES_MS = 60_000;

/** How often `--once` looks whether it is done: the checks are a few counters until the queue is empty. */
const SETTLED_POLL_MS = 20;

/** Resolves when every document is final, or when the rest can only wait for a model that is not there. */
async function untilSettled(
  intake: Intake,
  pipeline: Pipeline,
  app: App,
  gateReason: () => string | undefined,
): Promise<WatchResult> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
    if (!intake.isIdle() || !pipeline.isIdle()) continue;
    pipeline.wake(true);
    if (!pipeline.isIdle()) continue;
    const waiting = app.store.documents.countUnfinished();
    if (waiting === 0) return { waiting: 0, reason: undefined };
    const reason = gateReason();
    if (reason !== undefined) return { waiting, reason };
    const deferred = app.store.documents.deferred(nowIso());
    const soon =
      deferred.nextAt !== null && Date.parse(deferred.nextAt) - Date.now() < ONCE_WAITS_FOR_RETRIES_MS;
    if (deferred.count === waiting && !soon) {
      return {
        waiting,
        reason: `they wait for another try of the model (next at ${deferred.nextAt}); docsort watch tries them when they are due`,
      };
    }
  }
}

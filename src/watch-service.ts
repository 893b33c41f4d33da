import path from "node:path";
import type { App } from "./app.js";
import { checkModelHealth } from "./classify/ollama-health.js";
import type { ProgressReporter } from "./cli/progress-reporter.js";
import { Intake } from "./intake/intake.js";
import { recoverOrphans, registerInstance } from "./pipeline/instance-registry.js";
import { Pipeline } from "./pipeline/pipeline.js";

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
  const lease = registerInstance(store, options.once ? "watch --once" : "watch");
  recoverOrphans(store, logger);
  const extractor = await app.createExtractor();
  let pipeline: Pipeline | undefined;
  const gate = app.createGate(() => pipeline?.wake());
  pipeline = new Pipeline(await app.pipelineContext(lease.id, extractor, gate), {
    onFinished: (document, elapsedMs) =>
      options.reporter.finished(document, store.classifications.current(document.id), elapsedMs),
  });
  const intake = new Intake({
    inbox: config.inbox,
    config: { ...config.intake, usePolling: config.intake.usePolling || options.poll },
    store,
    logger,
    excludeDirs: [config.home],
    onRegistered: (outcome) => {
      options.reporter.registered(outcome);
      pipeline?.wake();
    },
  });

  const health = await checkModelHealth(config.model);
  if (health.ok) logger.info(`model ${config.model.name} at ${config.model.host} is ready`);
  else gate.close(health.message);

  const statusTimer = setInterval(
    () => options.reporter.status(store.documents.countByStatus(), gate.reason),
    500,
  );
  statusTimer.unref();
  try {
    await intake.start(!options.once);
    pipeline.start();
    logger.info(`watching ${config.inbox}${options.once ? " (once)" : ""}`);
    if (options.once) {
      return await Promise.race([
        untilSettled(intake, pipeline, app, () => gate.reason),
        options.stopRequested.then(() => ({ waiting: store.documents.countUnfinished(), reason: "stopped" })),
      ]);
    }
    await options.stopRequested;
    return { waiting: store.documents.countUnfinished(), reason: undefined };
  } finally {
    clearInterval(statusTimer);
    options.reporter.clearStatus();
    gate.stop();
    await intake.stop();
    await pipeline.stop();
    await extractor.close();
    lease.release();
    logger.info(`stopped watching ${path.relative(process.cwd(), config.inbox) || "."}`);
  }
}

/** Resolves when every document is final, or when the rest can only wait for a model that is not there. */
async function untilSettled(
  intake: Intake,
  pipeline: Pipeline,
  app: App,
  gateReason: () => string | undefined,
): Promise<WatchResult> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!intake.isIdle() || !pipeline.isIdle()) continue;
    pipeline.wake();
    if (!pipeline.isIdle()) continue;
    const waiting = app.store.documents.countUnfinished();
    if (waiting === 0) return { waiting: 0, reason: undefined };
    const reason = gateReason();
    if (reason !== undefined) return { waiting, reason };
  }
}

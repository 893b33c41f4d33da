import { formatIssues } from "../config/format-issues.js";
import { errorMessage } from "../errors.js";
import { isoAfter, nowIso } from "../store/clock.js";
import type { HandlerRunRecord, RunResult } from "../store/handler-runs-repo.js";
import type { HandlerRecord } from "../store/handlers-repo.js";
import type { StorageGuard } from "../store/storage-guard.js";
import type { Effects } from "./effects.js";
import { buildEvent } from "./handler-event.js";
import {
  HandlerFailure,
  type HandlerKind,
  type HandlerOutcome,
  type HandlerServices,
} from "./handler-kind.js";
import type { HandlerRegistry } from "./index.js";
import { liveEffects } from "./live-effects.js";
import { retryDelayMs } from "./retry-delay.js";

export interface ExecuteDeps {
  services: HandlerServices;
  registry: HandlerRegistry;
  /** When the outcome cannot be written (full disk), it is recorded once there is space again. */
  storage?: StorageGuard;
  /** Effects for a run; live by default. Tests use it to stand in for the filesystem. */
  effects?: (handlerName: string) => Effects;
}

/** A handler, its kind and its validated config, or why the run cannot go ahead. */
export type Resolved =
  | { ok: true; handler: HandlerRecord; kind: HandlerKind; config: unknown }
  | { ok: false; problem: string };

export function resolveHandler(
  deps: ExecuteDeps,
  handler: HandlerRecord | undefined,
  name: string,
): Resolved {
  if (!handler) return { ok: false, problem: `the handler ${name} was removed` };
  const kind = deps.registry.get(handler.kind);
  if (!kind)
    return {
      ok: false,
      problem: `unknown handler kind "${handler.kind}" (known: ${deps.registry.names().join(", ")})`,
    };
  const parsed = kind.configSchema.safeParse(handler.config);
  if (!parsed.success) {
    return {
      ok: false,
      problem: `the config of ${handler.name} is invalid: ${formatIssues(parsed.error.issues, handler.config).join("; ")}`,
    };
  }
  return { ok: true, handler, kind, config: parsed.data };
}

/**
 * Runs one claimed run to its next state: succeeded, failed (with the next attempt time stored, so a restart keeps
 * the schedule) or dead. Stopping docsort mid-run puts the run back, its attempt not counted.
 */
export async function executeRun(
  deps: ExecuteDeps,
  run: HandlerRunRecord,
  signal: AbortSignal,
): Promise<HandlerRunRecord> {
  const { store, logger, config } = deps.services;
  const handler = run.handlerId !== null ? store.handlers.getById(run.handlerId) : undefined;
  const resolved = resolveHandler(deps, handler, run.handlerName);
  if (!resolved.ok) return finish(deps, run, { status: "dead", error: resolved.problem, output: null });

  let outcome: HandlerOutcome;
  try {
    const event = buildEvent(store, {
      trigger: run.trigger,
      handler: run.handlerName,
      documentId: run.documentId,
      invoiceId: run.invoiceId,
      classificationId: run.classificationId,
      category: run.category,
      deliveryId: run.idempotencyKey,
      runId: run.id,
      attempt: run.attempts,
      redelivery: run.redelivery,
      occurredAt: run.createdAt,
    });
    const effects = deps.effects?.(run.handlerName) ?? liveEffects(store, run.handlerName);
    outcome = await resolved.kind.run({
      config: resolved.config,
      event,
      effects,
      services: deps.services,
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      store.handlerRuns.releaseInterrupted(run.id, "interrupted: docsort stopped during the run", nowIso());
      return store.handlerRuns.get(run.id) ?? run;
    }
    const failure =
      error instanceof HandlerFailure
        ? error
        : new HandlerFailure(`internal error: ${errorMessage(error)}`, { retry: true, cause: error });
    if (!(error instanceof HandlerFailure)) {
      logger.error(`handler run #${run.id} (${run.handlerName}): ${failure.message}`, {
        stack: error instanceof Error ? error.stack : undefined,
      });
    }
    const output = failure.output === undefined ? null : cap(failure.output, config.outbox.outputMaxChars);
    if (!failure.retry || (run.attempts >= config.outbox.maxAttempts && !failure.waiting)) {
      const why = failure.retry ? ` (gave up after ${run.attempts} attempts)` : "";
      return finish(deps, run, { status: "dead", error: `${failure.message}${why}`, output });
    }
    const delay = retryDelayMs(run.attempts, {
      baseMs: config.outbox.retryBaseMs,
      maxMs: config.outbox.retryMaxMs,
      retryAfterMs: failure.retryAfterMs,
    });
    return finish(deps, run, {
      status: "failed",
      error: failure.message,
      output,
      nextAttemptAt: isoAfter(delay),
    });
  }
  const output = cap(
    outcome.output ? `${outcome.summary}\n${outcome.output}` : outcome.summary,
    config.outbox.outputMaxChars,
  );
  return finish(deps, run, { status: "succeeded", output }, outcome.summary);
}

function finish(
  deps: ExecuteDeps,
  run: HandlerRunRecord,
  result: RunResult,
  summary?: string,
): HandlerRunRecord {
  const { store, logger } = deps.services;
  const write = () =>
    store.transaction(() => {
      const now = nowIso();
      const after = store.handlerRuns.finish(run.id, result, now);
      const message =
        result.status === "succeeded"
          ? `${run.handlerName}: ${summary ?? "done"}`
          : result.status === "failed"
            ? `${run.handlerName}: attempt ${run.attempts} failed: ${result.error}; next attempt at ${result.nextAttemptAt}`
            : `${run.handlerName}: dead: ${result.error}`;
      store.events.add(
        {
          documentId: run.documentId,
          type: `handler.${result.status}`,
          message,
          data: {
            run: run.id,
            handler: run.handlerName,
            trigger: run.trigger,
            attempt: run.attempts,
            redelivery: run.redelivery,
          },
        },
        now,
      );
      // the daemon and the CLI commands print each outcome themselves; the log file keeps it too
      logger.info(`run #${run.id} for document #${run.documentId}: ${message}`);
      return after;
    });
  try {
    return write();
  } catch (error) {
    // the effect happened (or not) but its outcome cannot be written now: the run stays `running` (ours), and
    // the outcome is written as soon as the disk has room; if docsort dies meanwhile, it is a redelivery
    if (!deps.storage?.pause(error, () => void write())) throw error;
    return { ...run, status: "running" };
  }
}

function cap(text: string, max: number): string {
  return text.length > max
    ? `${text.slice(0, max)}\n[… ${text.length - max} more characters not kept]`
    : text;
}

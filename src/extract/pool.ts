/**
 * Extraction off the main thread: a piscina pool of `extract.workers` threads. A timeout or an abort
 * terminates the thread doing the work; a thread that dies (crash, out of memory) becomes an
 * ExtractionError "crashed" and piscina starts a fresh one.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import type { ExtractConfig } from "../config/schema.js";
import { aborted, crashed, timedOut } from "./errors.js";
import type { Log } from "./format-extractor.js";
import { ExtractionError, type ExtractionRequest, type ExtractionResult } from "./types.js";
import type { WorkerTask } from "./worker.js";
import { workerReplySchema } from "./worker-reply.js";

export interface ExtractionPool {
  run(req: ExtractionRequest, signal?: AbortSignal): Promise<ExtractionResult>;
  close(): Promise<void>;
}

const WORKER_HEAP_MB = 1024;
/** Idle threads (and their OCR engine, ~150 MB each) are released after this long. */
const IDLE_TIMEOUT_MS = 60_000;

export interface PoolOptions {
  /** V8 heap cap per thread; past it the thread dies and the document fails as "crashed". */
  maxHeapMb?: number;
}

export function createPool(config: ExtractConfig, log: Log, options: PoolOptions = {}): ExtractionPool {
  const piscina = new Piscina<WorkerTask, unknown>({
    ...workerEntry(import.meta.url, "worker"),
    ...poolSize(config.workers, options.maxHeapMb ?? WORKER_HEAP_MB),
  });
  piscina.on("error", (error: unknown) => log("error", "extraction worker error", { error: String(error) }));
  const slots = createSlots(config.workers);

  async function run(req: ExtractionRequest, signal?: AbortSignal): Promise<ExtractionResult> {
    if (signal?.aborted) throw aborted();
    const release = await slots.acquire(signal);
    // The clock starts when a thread is free, so waiting in the queue never counts as the document's time.
    const timeoutMs = req.limits?.timeoutMs ?? config.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let reply: unknown;
    try {
      reply = await piscina.run({ req, config }, { signal: combined });
    } catch (error) {
      if (timeout.aborted) throw timedOut(timeoutMs);
      if (signal?.aborted) throw aborted();
      throw crashed(error instanceof Error ? error.message : String(error), error);
    } finally {
      release();
    }
    const parsed = workerReplySchema.safeParse(reply);
    if (!parsed.success) throw crashed(`malformed worker reply: ${parsed.error.message.slice(0, 200)}`);
    for (const entry of parsed.data.logs) log(entry.level, entry.msg, entry.data);
    if (parsed.data.ok) return parsed.data.result;
    const { code, message, type } = parsed.data.error;
    throw new ExtractionError(code, message, type);
  }

  return {
    run,
    async close() {
      await piscina.destroy();
    },
  };
}

function poolSize(workers: number, maxHeapMb: number) {
  return {
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: IDLE_TIMEOUT_MS,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
  };
}

/**
 * A piscina worker file `name` beside the module at `moduleUrl`. From compiled JS the worker is name.js; when the
 * module runs as TypeScript (vitest, tsx) the worker is name.ts and each thread loads tsx first.
 */
export function workerEntry(moduleUrl: string, name: string): { filename: string; execArgv?: string[] } {
  if (!/\.[cm]?ts$/.test(new URL(moduleUrl).pathname))
    return { filename: new URL(`./${name}.js`, moduleUrl).href };
  const tsx = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
  return { filename: new URL(`./${name}.ts`, moduleUrl).href, execArgv: ["--import", tsx] };
}

/** A counting semaphore whose waiters can give up when their signal fires. */
function createSlots(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire(signal?: AbortSignal): Promise<() => void> {
      if (free > 0) {
        free--;
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        };
        const onAbort = () => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          reject(aborted());
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiting.push(grant);
      });
    },
  };
}

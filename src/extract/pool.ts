/**
 * Extraction off the main process: up to `extract.workers` child processes (node:child_process fork), each
 * reading one document at a time and reused for the next (its OCR engine with it). A process is the unit whose
 * memory can really be bounded: a thread's heap cap does not count ArrayBuffers, wasm memory or native memory,
 * and a thread that eats them takes the whole daemon down. Here a watchdog samples the resident memory (RSS) of
 * docsort and of every extraction process; when together they pass `extract.maxMemoryMb`, the largest extraction
 * process is killed and its document fails with code "memory" — the daemon goes on. A timeout or an abort kills
 * the process doing the work; a process that dies becomes ExtractionError "crashed". A fresh one is started for
 * the next document.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ExtractConfig } from "../config/schema.js";
import { processEntry } from "../package-files.js";
import { aborted, crashed, timedOut } from "./errors.js";
import type { Log } from "./format-extractor.js";
import { ExtractionError, type ExtractionRequest, type ExtractionResult } from "./types.js";
import type { WorkerTask } from "./worker.js";
import { workerReplySchema } from "./worker-reply.js";

export interface ExtractionPool {
  run(req: ExtractionRequest, signal?: AbortSignal): Promise<ExtractionResult>;
  /** docsort's resident memory with its extraction processes, in bytes (the figure the limit applies to). */
  totalRss(): number;
  close(): Promise<void>;
}

/** Idle processes (and their OCR engine, ~150 MB each) are ended after this long. */
const IDLE_TIMEOUT_MS = 60_000;
const SAMPLE_EVERY_MS = 100;
/**
 * docsort stops the largest extraction once it uses this share of the limit: memory keeps growing between two
 * samples (a decompressing stream takes ~100 MB in 100 ms), and the headroom keeps that growth under the limit.
 */
const STOP_AT_SHARE = 0.9;
/** An extraction process holding this share of the memory limit is stopped for its own sake. */
const ALONE_SHARE = 0.6;
/** A new job starts only while docsort uses less than this share of the limit (or nothing else runs). */
const ADMIT_BELOW_SHARE = 0.7;
const MiB = 1024 * 1024;

export interface PoolOptions {
  /** V8 heap cap per process; default: the whole memory limit (the watchdog is the real bound). */
  maxHeapMb?: number;
  /** Replaces extract.maxMemoryMb (tests). */
  maxMemoryMb?: number;
}

interface Job {
  id: number;
  child: ChildProcess;
  settle: (outcome: { ok: true; reply: unknown } | { ok: false; error: ExtractionError }) => void;
}

interface Worker {
  child: ChildProcess;
  job: Job | undefined;
  idle: NodeJS.Timeout | undefined;
}

export function createPool(config: ExtractConfig, log: Log, options: PoolOptions = {}): ExtractionPool {
  const limitBytes = (options.maxMemoryMb ?? config.maxMemoryMb) * MiB;
  const heapMb = options.maxHeapMb ?? options.maxMemoryMb ?? config.maxMemoryMb;
  const workers = new Set<Worker>();
  const slots = createSlots(config.workers);
  let nextId = 1;
  let closed = false;
  let watchdog: NodeJS.Timeout | undefined;
  /** Callers waiting for memory to be freed (a job ended). */
  let memoryWaiters: (() => void)[] = [];
  const jobEnded = () => {
    const waiting = memoryWaiters;
    memoryWaiters = [];
    for (const resume of waiting) resume();
  };
  const busy = () => [...workers].some((worker) => worker.job !== undefined);
  const totalRss = () =>
    process.memoryUsage.rss() + [...workers].reduce((sum, worker) => sum + rssOf(worker.child.pid), 0);

  const start = (): Worker => {
    const entry = processEntry("extract/worker-process");
    const child = fork(entry.filename, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${heapMb}`],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker: Worker = { child, job: undefined, idle: undefined };
    workers.add(worker);
    child.on("error", (error) => log("error", "extraction process error", { error: String(error) }));
    child.on("exit", (code, signal) => {
      workers.delete(worker);
      if (worker.idle) clearTimeout(worker.idle);
      worker.job?.settle({
        ok: false,
        error: crashed(`the extraction process ended (${signal ?? `exit code ${code}`})`),
      });
    });
    child.on("message", (message: unknown) => {
      const { id, reply } = message as { id: number; reply: unknown };
      if (worker.job?.id === id) worker.job.settle({ ok: true, reply });
    });
    return worker;
  };

  /** Out of the pool at once (so no document is handed to it), then killed. */
  const kill = (worker: Worker, signal: NodeJS.Signals = "SIGKILL") => {
    workers.delete(worker);
    if (worker.idle) clearTimeout(worker.idle);
    worker.child.kill(signal);
  };

  const takeWorker = (): Worker => {
    for (const worker of workers) {
      if (worker.job === undefined && worker.child.connected) {
        if (worker.idle) clearTimeout(worker.idle);
        return worker;
      }
    }
    return start();
  };

  /** Kills the largest extraction process while docsort as a whole is over STOP_AT_SHARE of the limit. */
  const sample = () => {
    const sizes = [...workers].map((worker) => ({ worker, rss: rssOf(worker.child.pid) }));
    const total = process.memoryUsage.rss() + sizes.reduce((sum, s) => sum + s.rss, 0);
    if (total <= limitBytes * STOP_AT_SHARE) return;
    const largest = sizes.sort((a, b) => b.rss - a.rss)[0];
    if (!largest) return;
    const { worker, rss } = largest;
    const used = `it used ${Math.round(rss / MiB)} MB, and docsort with it ${Math.round(total / MiB)} MB, over ${STOP_AT_SHARE * 100} % of extract.maxMemoryMb (${Math.round(limitBytes / MiB)} MB)`;
    // a document that alone takes most of the budget will never fit; one that is merely the largest of several
    // may, when it is read on its own later
    const alone = rss >= limitBytes * ALONE_SHARE;
    worker.job?.settle({
      ok: false,
      error: alone
        ? new ExtractionError(
            "memory",
            `extraction stopped: ${used}: the file is too big to decode (a compression bomb?) — raise the limit if it is genuine`,
          )
        : new ExtractionError(
            "memory_pressure",
            `extraction stopped to keep docsort within its memory: ${used}`,
          ),
    });
    kill(worker);
  };

  const watch = () => {
    const busy = [...workers].some((w) => w.job !== undefined);
    if (busy && !watchdog) {
      watchdog = setInterval(sample, SAMPLE_EVERY_MS);
      watchdog.unref();
    } else if (!busy && watchdog) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
  };

  async function run(req: ExtractionRequest, signal?: AbortSignal): Promise<ExtractionResult> {
    if (signal?.aborted || closed) throw aborted();
    const release = await slots.acquire(signal);
    // Admission: while others run and memory is already mostly used, wait for one of them to end rather than
    // start a job that would push docsort over the limit (and get the largest job killed).
    while (busy() && totalRss() > limitBytes * ADMIT_BELOW_SHARE && !closed) {
      await new Promise<void>((resume) => memoryWaiters.push(resume));
    }
    // The clock starts when a process is free, so waiting in the queue never counts as the document's time.
    const timeoutMs = req.limits?.timeoutMs ?? config.timeoutMs;
    const worker = takeWorker();
    const id = nextId++;
    let reply: unknown;
    try {
      reply = await new Promise<unknown>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const stop = (error: ExtractionError) => {
          job.settle({ ok: false, error });
          kill(worker);
        };
        const onAbort = () => stop(aborted());
        const job: Job = {
          id,
          child: worker.child,
          settle: (outcome) => {
            if (worker.job !== job) return;
            worker.job = undefined;
            jobEnded();
            if (timer) clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            watch();
            if (outcome.ok) resolve(outcome.reply);
            else reject(outcome.error);
          },
        };
        worker.job = job;
        timer = setTimeout(() => stop(timedOut(timeoutMs)), timeoutMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        watch();
        const task: WorkerTask = { req, config };
        worker.child.send({ id, task }, (error) => {
          if (error) stop(crashed(`cannot hand the document to the extraction process: ${error.message}`));
        });
      });
    } finally {
      release();
      if (worker.job === undefined && workers.has(worker)) {
        worker.idle = setTimeout(() => kill(worker, "SIGTERM"), IDLE_TIMEOUT_MS);
        worker.idle.unref();
      }
    }
    const parsed = workerReplySchema.safeParse(reply);
    if (!parsed.success) throw crashed(`malformed worker reply: ${parsed.error.message.slice(0, 200)}`);
    for (const entry of parsed.data.logs) log(entry.level, entry.msg, entry.data);
    if (parsed.data.ok) return parsed.data.result;
    const { code, message, type } = parsed.data.error;
    throw new ExtractionError(code, message, type);
  }

  // no process is started before a document needs one: plain text is read in the daemon (src/extract/lane.ts),
  // so a run of text documents costs no extraction process and its memory at all

  return {
    run,
    totalRss,
    async close() {
      closed = true;
      jobEnded();
      if (watchdog) clearInterval(watchdog);
      const exits = [...workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.child.exitCode !== null || worker.child.signalCode !== null) resolve();
            else worker.child.once("exit", () => resolve());
            worker.job?.settle({ ok: false, error: aborted() });
            kill(worker);
          }),
      );
      await Promise.all(exits);
    },
  };
}

/** Resident memory of a process, in bytes, from /proc (Linux); 0 where it cannot be read. */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
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

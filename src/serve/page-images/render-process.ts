import { type ChildProcess, fork } from "node:child_process";
import { rssOf } from "../../extract/pool.js";
import type { RenderRequest } from "../../extract/render-page.js";
import { processEntry } from "../../package-files.js";
import type { RenderReply } from "./render-worker.js";

const MiB = 1024 * 1024;
const SAMPLE_EVERY_MS = 100;
const IDLE_TIMEOUT_MS = 30_000;

export interface RenderProcessOptions {
  /** Resident memory (RSS) the rendering process may use, in MB; over it, it is killed and the page refused. */
  maxMemoryMb: number;
  timeoutMs: number;
}

/**
 * Renders pages one at a time in a child process, so that memory is bounded for real (a thread's heap cap does not
 * count the ArrayBuffers, wasm and native memory a decoder allocates): a watchdog samples the child's RSS, and a
 * child over the limit, past its timeout or dead is killed; the request then answers `unreadable`. The process is
 * reused while requests keep coming and ends after 30 s idle.
 */
export class RenderProcess {
  private child: ChildProcess | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RenderProcessOptions) {}

  run(request: RenderRequest, signal?: AbortSignal): Promise<RenderReply> {
    const next = this.queue.then(() => this.runNow(request, signal));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.queue;
  }

  private runNow(request: RenderRequest, signal?: AbortSignal): Promise<RenderReply> {
    if (this.closed || signal?.aborted)
      return Promise.resolve(refused("the page was not rendered (stopped)"));
    if (this.idle) clearTimeout(this.idle);
    const child = this.child ?? this.start();
    return new Promise<RenderReply>((resolve) => {
      const finish = (reply: RenderReply, kill: boolean) => {
        clearInterval(watchdog);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (kill) this.stop();
        else this.idleLater();
        resolve(reply);
      };
      const onMessage = (reply: RenderReply) => finish(reply, false);
      const onExit = () => finish(refused("the page renderer ended unexpectedly"), true);
      const onAbort = () => finish(refused("the page was not rendered (stopped)"), true);
      const limit = this.options.maxMemoryMb * MiB;
      const watchdog = setInterval(() => {
        const rss = rssOf(child.pid);
        if (rss > limit)
          finish(
            refused(`rendering the page needed more than ${this.options.maxMemoryMb} MB; it was stopped`),
            true,
          );
      }, SAMPLE_EVERY_MS);
      const timer = setTimeout(
        () => finish(refused(`rendering the page took longer than ${this.options.timeoutMs} ms`), true),
        this.options.timeoutMs,
      );
      child.on("message", onMessage);
      child.once("exit", onExit);
      signal?.addEventListener("abort", onAbort, { once: true });
      child.send(request);
    });
  }

  private start(): ChildProcess {
    const entry = processEntry("serve/page-images/render-worker");
    const child = fork(entry.filename, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${this.options.maxMemoryMb}`],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.on("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }

  private idleLater(): void {
    this.idle = setTimeout(() => this.stop(), IDLE_TIMEOUT_MS);
    this.idle.unref();
  }

  private stop(): void {
    if (this.idle) clearTimeout(this.idle);
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }
}

function refused(message: string): RenderReply {
  return { ok: false, code: "unreadable", message };
}

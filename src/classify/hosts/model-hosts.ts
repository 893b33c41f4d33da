import type { ModelConfig, ModelHost } from "../../config/schema.js";
import { type BreakerChange, CircuitBreaker } from "../circuit-breaker.js";
import { ModelCallError } from "../model-errors.js";

export interface ModelHostsOptions {
  /** `model.hosts` (at least one). */
  hosts: readonly ModelHost[];
  /** Failures in a row that open a host's breaker, and how long it stays open (reliability.breaker*). */
  breakerFailures: number;
  breakerOpenMs: number;
  breakerMaxOpenMs: number;
  onStateChange?: (change: BreakerChange) => void;
  now?: () => number;
}

/**
 * Requests a host gets beyond its `parallel`: one waits in Ollama's queue, so a slot that frees starts the next
 * prompt at once instead of waiting for docsort to send it; more would only wait there with their timeout running.
 */
export const QUEUED_AT_HOST = 1;

/** One host as the dispatcher sees it right now. */
export interface HostLoad {
  url: string;
  parallel: number;
  inFlight: number;
  state: CircuitBreaker["state"];
}

interface Host {
  url: string;
  parallel: number;
  inFlight: number;
  breaker: CircuitBreaker;
}

/** A model request's result and the host that answered it. */
export interface HostAnswer<R> {
  value: R;
  host: string;
}

/**
 * The Ollama servers of `model.hosts` and where the next model request goes: to the healthy host with the lowest
 * load (requests in flight / its `parallel`). Each host has its own circuit breaker: a connection that cannot be
 * made (or a missing model) opens it at once, 5xx answers, timeouts and broken streams after
 * `breakerFailures` in a row; an open breaker lets one trial request through after its pause (half-open), so a host
 * that comes back is used again. A request a host failed is sent to another healthy host at once — the document
 * never sees that failure. Only when no host can take it does the caller get an error: `unavailable` when every
 * host is unreachable, `circuit_open` (with the earliest retry time) when every breaker is open, or the last
 * host's own error.
 *
 * With a single host nothing changes from one breaker in front of one server: an unreachable server is the model
 * gate's to handle (documents wait, the gate probes), so it does not open the breaker.
 */
export class ModelHosts {
  private readonly hosts: Host[];
  /** Requests waiting for a free slot. */
  private readonly waiters: (() => void)[] = [];

  constructor(options: ModelHostsOptions) {
    this.hosts = options.hosts.map((host) => ({
      url: host.url,
      parallel: host.parallel,
      inFlight: 0,
      breaker: new CircuitBreaker({
        name: host.url,
        failureThreshold: options.breakerFailures,
        openMs: options.breakerOpenMs,
        maxOpenMs: options.breakerMaxOpenMs,
        ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
    }));
    if (this.hosts.length === 0) throw new Error("ModelHosts needs at least one host");
  }

  /** Each host's load and breaker state, in configuration order. */
  loads(): HostLoad[] {
    return this.hosts.map((h) => ({
      url: h.url,
      parallel: h.parallel,
      inFlight: h.inFlight,
      state: h.breaker.state,
    }));
  }

  /** A health check reached this host and found the model: its breaker closes (the model gate's probe). */
  markReachable(url: string): void {
    const host = this.hosts.find((h) => h.url === url);
    if (host && host.breaker.state !== "closed") host.breaker.recordSuccess();
  }

  /**
   * Runs `request` with `model.host` set to the chosen host, failing over to the other hosts as described above.
   * `request` must throw ModelCallError (see toModelCallError); `cancelled` and `fatal` errors are passed on at once.
   */
  async call<R>(
    model: ModelConfig,
    request: (model: ModelConfig) => Promise<R>,
    signal?: AbortSignal,
  ): Promise<HostAnswer<R>> {
    const tried = new Set<Host>();
    const faults: { host: Host; error: ModelCallError }[] = [];
    for (;;) {
      const host = this.acquire(tried);
      if (host === "busy") {
        await this.slotFreed(signal);
        continue;
      }
      if (!host) throw this.noHostLeft(faults);
      tried.add(host);
      host.inFlight += 1;
      try {
        const value = await request({ ...model, host: host.url });
        host.breaker.recordSuccess();
        return { value, host: host.url };
      } catch (error) {
        if (!(error instanceof ModelCallError) || !this.isHostFault(error, host)) {
          host.breaker.release();
          throw error;
        }
        faults.push({ host, error });
        if (this.hosts.length === 1) throw error;
      } finally {
        host.inFlight -= 1;
        // every waiter looks again: a slot is free, or the host's breaker opened and there is nothing to wait for
        for (const wake of this.waiters.splice(0)) wake();
      }
    }
  }

  /** Records what a failed request says about its host; true when another host may answer instead. */
  private isHostFault(error: ModelCallError, host: Host): boolean {
    if (error.kind === "transient") {
      host.breaker.recordFailure(error.message);
      return true;
    }
    if (error.kind === "unavailable") {
      if (this.hosts.length === 1) host.breaker.release();
      else host.breaker.trip(error.message);
      return true;
    }
    return false;
  }

  /**
   * A host not tried yet whose breaker lets a request through and that has room (see QUEUED_AT_HOST): a half-open
   * one first (its trial decides whether it is back), then the least-loaded (ties: configuration order). "busy"
   * when such hosts exist but are full: the request waits here, not in Ollama's queue, where its timeout would run.
   */
  private acquire(tried: ReadonlySet<Host>): Host | "busy" | undefined {
    const rank = (h: Host) => (h.breaker.state === "half_open" ? -1 : h.inFlight / h.parallel);
    const full = (h: Host) => h.inFlight >= h.parallel + QUEUED_AT_HOST;
    const usable = this.hosts.filter((h) => !tried.has(h) && h.breaker.state !== "open");
    const free = usable.filter((h) => !full(h)).sort((a, b) => rank(a) - rank(b));
    const host = free.find((h) => h.breaker.tryAcquire());
    if (host) return host;
    return usable.some(full) ? "busy" : undefined;
  }

  /** Resolves when a request ends (a slot is free, or a breaker may have changed); rejects when `signal` aborts. */
  private slotFreed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new ModelCallError("cancelled", "cancelled: docsort is stopping"));
        return;
      }
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(wake), 1);
        reject(new ModelCallError("cancelled", "cancelled: docsort is stopping"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(wake);
    });
  }

  private noHostLeft(faults: readonly { host: Host; error: ModelCallError }[]): ModelCallError {
    const last = faults.at(-1)?.error;
    const everyHost = this.hosts.length > 1 ? "every model host" : "the model host";
    if (faults.length > 0 && faults.every((f) => f.error.kind === "unavailable")) {
      if (this.hosts.length === 1 && last) return last;
      const reasons = faults.map((f) => f.error.message).join("; ");
      return new ModelCallError("unavailable", `no model host is reachable: ${reasons}`, { cause: last });
    }
    const open = this.hosts.filter((h) => h.breaker.state !== "closed");
    if (last && open.length < this.hosts.length) return last;
    const retryAt = Math.min(...open.map((h) => h.breaker.retryAt ?? Number.POSITIVE_INFINITY));
    const why = open.map((h) => h.breaker.describe()).filter(Boolean);
    return new ModelCallError(
      "circuit_open",
      why.length > 0 ? why.join("; ") : `${everyHost} is paused`,
      Number.isFinite(retryAt) ? { retryAt, cause: last } : { cause: last },
    );
  }
}

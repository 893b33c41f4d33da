export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerChange {
  name: string;
  from: BreakerState;
  to: BreakerState;
  /** One sentence: why the state changed. */
  reason: string;
  /** When an open breaker lets the next trial through (ms since the epoch). */
  retryAt: number | undefined;
}

export interface CircuitBreakerOptions {
  /** What is protected, for messages: a host URL. */
  name: string;
  /** Failures in a row that open the breaker. */
  failureThreshold: number;
  /** First pause of an open breaker; doubles after each failed trial, up to maxOpenMs. */
  openMs: number;
  maxOpenMs: number;
  /** Called once per state change (the caller logs one line). */
  onStateChange?: (change: BreakerChange) => void;
  now?: () => number;
}

/**
 * A circuit breaker for one server (Martin Fowler's "CircuitBreaker" pattern): after `failureThreshold` failed
 * requests in a row it opens and lets nothing through for `openMs`; then it is half-open and lets exactly one
 * trial request through. A successful trial closes it; a failed one opens it again for twice as long (capped).
 * It knows nothing about documents: callers ask `tryAcquire()` before a request and report how it ended.
 */
export class CircuitBreaker {
  private current: BreakerState = "closed";
  private failures = 0;
  private openedFor = 0;
  private openUntil = 0;
  private trialInFlight = false;
  private lastFailure = "";
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === "open" && this.now() >= this.openUntil)
      this.change("half_open", "trying one request");
    return this.current;
  }

  /** When requests may go again (ms since the epoch); undefined while closed. */
  get retryAt(): number | undefined {
    const state = this.state;
    if (state === "closed") return undefined;
    return state === "open" ? this.openUntil : this.now();
  }

  /**
   * Whether a request may be sent now. In the half-open state only one trial is let through at a time; a
   * caller that got `true` must call recordSuccess, recordFailure or release.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.trialInFlight = false;
    this.failures = 0;
    this.openedFor = 0;
    if (this.current !== "closed") this.change("closed", "the server answers again");
  }

  /** A failure of the server (5xx, timeout, broken stream) — not an unusable answer, which is the model's. */
  recordFailure(reason: string): void {
    this.lastFailure = reason;
    if (this.current === "half_open") {
      this.trialInFlight = false;
      this.open(`the trial request failed too (${reason})`);
      return;
    }
    this.failures += 1;
    if (this.current === "closed" && this.failures >= this.options.failureThreshold) {
      this.open(`${this.failures} requests in a row failed (last: ${reason})`);
    }
  }

  /**
   * The server is not there at all (connection refused, model missing): open at once, without waiting for
   * `failureThreshold` failures — each would only cost a request another server could have answered.
   */
  trip(reason: string): void {
    this.lastFailure = reason;
    this.trialInFlight = false;
    if (this.current !== "open") this.open(reason);
  }

  /** The request was cancelled before it said anything about the server. */
  release(): void {
    this.trialInFlight = false;
  }

  /** Why requests are held back, for the document's reason; undefined while closed. */
  describe(): string | undefined {
    const retryAt = this.retryAt;
    if (retryAt === undefined) return undefined;
    return `the model server at ${this.options.name} failed every recent request (${this.lastFailure}); the next try is at ${new Date(retryAt).toISOString()}`;
  }

  private open(reason: string): void {
    this.openedFor =
      this.openedFor === 0 ? this.options.openMs : Math.min(this.options.maxOpenMs, this.openedFor * 2);
    this.openUntil = this.now() + this.openedFor;
    this.change("open", `${reason}; no requests for ${Math.round(this.openedFor / 1000)} s`);
  }

  private change(to: BreakerState, reason: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.options.onStateChange?.({
      name: this.options.name,
      from,
      to,
      reason,
      retryAt: to === "open" ? this.openUntil : undefined,
    });
  }
}

/** The one log line of a state change. */
export function describeBreakerChange(change: BreakerChange): string {
  const what =
    change.to === "open"
      ? "circuit breaker open"
      : change.to === "half_open"
        ? "circuit breaker half-open"
        : "circuit breaker closed";
  return `model server ${change.name}: ${what}: ${change.reason}`;
}

import { commonPrefix } from "./llama3-tokens.js";

/** A request that got a slot: which one, and how much of its prompt that slot still held. */
export interface SlotGrant {
  slot: number;
  cachedTokens: number;
  /** When the slot became free (clock of the pool): the request may be counted as served from then on. */
  freeSince: number;
  /** Give the slot back (the answer is written, or the client went away); returns when. Safe to call twice. */
  release(): number;
}

interface Slot {
  /** The prompt this slot evaluated last: its KV cache. */
  tokens: readonly number[];
  busy: boolean;
  lastUsed: number;
  freedAt: number;
}

interface Waiter {
  tokens: readonly number[];
  resolve: (grant: SlotGrant | undefined) => void;
}

/**
 * Ollama's parallel slots (OLLAMA_NUM_PARALLEL): at most `count` requests are evaluated at once, the rest wait in
 * arrival order. Each slot keeps the tokens of its last prompt; a new request takes the free slot sharing the
 * longest prefix with its prompt (Ollama's runner does the same), and only the tokens after that prefix need
 * evaluating. With `prefixCache` off, nothing is ever reused.
 */
export class SlotPool {
  private readonly slots: Slot[];
  private readonly queue: Waiter[] = [];
  private tick = 0;

  constructor(
    count: number,
    private readonly prefixCache: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`parallel slots must be a positive integer`);
    this.slots = Array.from({ length: count }, () => ({ tokens: [], busy: false, lastUsed: 0, freedAt: 0 }));
  }

  get waiting(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  /** Resolves with a slot once one is free, or with undefined if `signal` aborts while the request waits. */
  acquire(tokens: readonly number[], signal?: AbortSignal): Promise<SlotGrant | undefined> {
    const free = this.bestFree(tokens);
    if (free !== undefined) return Promise.resolve(this.grant(free, tokens));
    return new Promise((resolve) => {
      const waiter: Waiter = { tokens, resolve };
      this.queue.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const at = this.queue.indexOf(waiter);
          if (at < 0) return;
          this.queue.splice(at, 1);
          resolve(undefined);
        },
        { once: true },
      );
    });
  }

  private bestFree(tokens: readonly number[]): number | undefined {
    let best: number | undefined;
    let bestShared = -1;
    for (const [index, slot] of this.slots.entries()) {
      if (slot.busy) continue;
      const shared = this.prefixCache ? commonPrefix(slot.tokens, tokens) : 0;
      const current = best === undefined ? undefined : this.slots[best];
      if (shared > bestShared || (shared === bestShared && current && slot.lastUsed < current.lastUsed)) {
        best = index;
        bestShared = shared;
      }
    }
    return best;
  }

  private grant(index: number, tokens: readonly number[]): SlotGrant {
    const slot = this.slots[index] as Slot;
    // The whole prompt is never taken from the cache: the last token is evaluated to produce the first output.
    const cachedTokens = this.prefixCache
      ? Math.min(commonPrefix(slot.tokens, tokens), tokens.length - 1)
      : 0;
    slot.busy = true;
    slot.tokens = tokens;
    slot.lastUsed = ++this.tick;
    let released = false;
    return {
      slot: index,
      cachedTokens: Math.max(0, cachedTokens),
      freeSince: slot.freedAt,
      release: () => {
        if (released) return slot.freedAt;
        released = true;
        slot.busy = false;
        slot.freedAt = this.now();
        this.next();
        return slot.freedAt;
      },
    };
  }

  private next(): void {
    const waiter = this.queue.shift();
    if (!waiter) return;
    const free = this.bestFree(waiter.tokens);
    if (free === undefined) {
      this.queue.unshift(waiter);
      return;
    }
    waiter.resolve(this.grant(free, waiter.tokens));
  }
}

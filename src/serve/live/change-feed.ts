import type { Config } from "../../config/schema.js";
import { listReviewQueue } from "../../review/review-queue.js";
import { type ActivityEvent, eventsAfter, lastEventId } from "../../store/stats-view.js";
import type { Store } from "../../store/store.js";

/** What the pages show live: the document counts by status, the review queue and what just happened. */
export interface LiveSnapshot {
  lastEventId: number;
  byStatus: Record<string, number>;
  reviewQueue: number;
  /** Events since the previous snapshot (the newest few). */
  events: ActivityEvent[];
}

type Listener = (snapshot: LiveSnapshot) => void;

const POLL_MS = 500;
const EVENTS_PER_CHANGE = 20;

/**
 * Watches the database, not this process: the watcher that changes documents may be another process. Every state
 * change writes an event row, so the newest event id (one indexed lookup) says whether anything happened; only
 * then are the counts read. Polls only while someone listens.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private seen: number;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, "review">,
    private readonly pollMs = POLL_MS,
  ) {
    this.seen = lastEventId(store.db);
  }

  snapshot(events: ActivityEvent[] = []): LiveSnapshot {
    return {
      lastEventId: lastEventId(this.store.db),
      byStatus: this.store.documents.countByStatus(),
      reviewQueue: listReviewQueue(this.store, this.config).length,
      events,
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.seen = lastEventId(this.store.db);
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    if (!this.store.db.open) {
      this.stop();
      return;
    }
    const newest = lastEventId(this.store.db);
    if (newest === this.seen) return;
    const events = eventsAfter(this.store.db, this.seen, EVENTS_PER_CHANGE);
    this.seen = newest;
    const snapshot = this.snapshot(events);
    for (const listener of this.listeners) listener(snapshot);
  }
}

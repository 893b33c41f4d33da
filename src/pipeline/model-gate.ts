import type { ModelHealth } from "../classify/ollama-health.js";
import type { Logger } from "../log/logger.js";
import { backoffDelay } from "./backoff.js";

export interface ModelGateOptions {
  probe: () => Promise<ModelHealth>;
  logger: Logger;
  onOpen: () => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * While the model server or the model is missing, documents wait (they stay queued) instead of failing. The gate
 * logs one line when it closes, probes with backoff, and opens again — with one more line — when the model is back.
 */
export class ModelGate {
  private closedWith: string | undefined;
  private probes = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ModelGateOptions) {}

  isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Why the gate is closed, for status lines and `--once` summaries. */
  get reason(): string | undefined {
    return this.closedWith;
  }

  close(message: string): void {
    if (this.stopped || this.closedWith !== undefined) return;
    this.closedWith = message;
    this.probes = 0;
    this.options.logger.warn(`${message}; documents wait and are processed when the model is back`);
    this.scheduleProbe();
  }

  markReachable(): void {
    if (this.closedWith === undefined) return;
    this.closedWith = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.options.logger.warn("the model is reachable again; resuming");
    this.options.onOpen();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private scheduleProbe(): void {
    const delay = backoffDelay(
      this.probes,
      this.options.baseDelayMs ?? 1000,
      this.options.maxDelayMs ?? 60_000,
    );
    this.probes += 1;
    this.timer = setTimeout(() => void this.probe(), delay);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.closedWith === undefined) return;
    const health = await this.options.probe();
    if (health.ok) {
      this.markReachable();
      return;
    }
    if (health.message !== this.closedWith) {
      this.closedWith = health.message;
      this.options.logger.warn(health.message);
    }
    this.scheduleProbe();
  }
}

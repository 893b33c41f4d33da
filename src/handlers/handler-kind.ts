import type { z } from "zod";
import type { Config } from "../config/schema.js";
import type { InvoiceFieldExtractor } from "../invoices/invoice-field-extractor.js";
import type { Logger } from "../log/logger.js";
import type { Store } from "../store/store.js";
import type { Effects } from "./effects.js";
import type { HandlerEvent } from "./handler-event.js";

/** What every handler can use besides its own config: read access to the store, the app config, the model. */
export interface HandlerServices {
  store: Store;
  config: Config;
  logger: Logger;
  /** The invoice workflow's model client, built on first use (LangChain loads lazily). */
  invoiceExtractor(): Promise<InvoiceFieldExtractor>;
}

export interface HandlerContext<C> {
  /** The handler's config, already validated by the kind's schema. */
  config: C;
  event: HandlerEvent;
  /** Every side effect goes through here; in a dry run it records instead of acting. */
  effects: Effects;
  services: HandlerServices;
  signal: AbortSignal;
}

export interface HandlerOutcome {
  /** One line for `runs` and `show`: what was done. */
  summary: string;
  /** Longer output kept with the run (capped): a response body, a command's stdout. */
  output?: string;
}

/**
 * A failed attempt. `retry: true` (network errors, 5xx, non-zero exits) comes back with backoff until the run is
 * dead; `retry: false` (a 4xx, a missing program, an invalid path) is dead at once.
 */
export class HandlerFailure extends Error {
  override readonly name = "HandlerFailure";
  readonly retry: boolean;
  readonly retryAfterMs: number | undefined;
  readonly output: string | undefined;
  /** Something docsort needs is not there yet (the model): retried until it is, never dead. */
  readonly waiting: boolean;

  constructor(
    message: string,
    options: {
      retry: boolean;
      retryAfterMs?: number | undefined;
      output?: string | undefined;
      waiting?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.retry = options.retry;
    this.retryAfterMs = options.retryAfterMs;
    this.output = options.output;
    this.waiting = options.waiting ?? false;
  }
}

/** One handler kind: its name, a strict config schema, documentation and the work it does. */
export interface HandlerKind<C = unknown> {
  name: string;
  /** One line for `handlers list` and the README. */
  description: string;
  configSchema: z.ZodType<C>;
  /** A config that validates: shown in the README and checked by the registry test. */
  exampleConfig: unknown;
  run(context: HandlerContext<C>): Promise<HandlerOutcome>;
}

export function defineHandlerKind<C>(kind: HandlerKind<C>): HandlerKind<C> {
  return kind;
}

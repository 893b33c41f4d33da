import * as initial from "./001-initial.js";
import * as handlersOutboxInvoices from "./002-handlers-outbox-invoices.js";
import * as reviewLearning from "./003-review-learning.js";
import * as reliability from "./004-reliability.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only. A new migration is a new file plus one line here. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, ...initial },
  { version: 2, ...handlersOutboxInvoices },
  { version: 3, ...reviewLearning },
  { version: 4, ...reliability },
];

import * as initial from "./001-initial.js";
import * as handlersOutboxInvoices from "./002-handlers-outbox-invoices.js";
import * as reviewLearning from "./003-review-learning.js";
import * as reliability from "./004-reliability.js";
import * as mailIntake from "./005-mail-intake.js";
import * as searchServe from "./006-search-serve.js";
import * as statsIndexes from "./007-stats-indexes.js";
import * as extractionLanes from "./008-extraction-lanes.js";
import * as storeReads from "./009-store-reads.js";
import * as keptStats from "./010-kept-stats.js";
import * as lighterWrites from "./011-lighter-writes.js";

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
  { version: 5, ...mailIntake },
  { version: 6, ...searchServe },
  { version: 7, ...statsIndexes },
  { version: 8, ...extractionLanes },
  { version: 9, ...storeReads },
  { version: 10, ...keptStats },
  { version: 11, ...lighterWrites },
];

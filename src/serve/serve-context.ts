import type { BuiltinClassifier } from "../classify/builtin/builtin-classifier.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import type { Store } from "../store/store.js";
import type { Sessions } from "./auth/sessions.js";
import type { ChangeFeed } from "./live/change-feed.js";
import type { Operations } from "./operations.js";
import type { PageImages } from "./page-images/page-images.js";

/** What every route of the review app works with; built once by startServer. */
export interface ServeContext {
  config: Config;
  store: Store;
  logger: Logger;
  /** The taxonomy's category names, in the configured order (keys 1–9 on the review page). */
  categories: readonly [string, ...string[]];
  operations: Operations;
  sessions: Sessions;
  images: PageImages;
  feed: ChangeFeed;
  builtin: BuiltinClassifier;
  cookieName: string;
  version: string;
}

import type { DocumentClassifier } from "../classify/document-classifier.js";
import type { Config } from "../config/schema.js";
import type { Extractor } from "../extract/index.js";
import type { Logger } from "../log/logger.js";
import type { BlobStore } from "../store/blob-store.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { StorageGuard } from "../store/storage-guard.js";
import type { Store } from "../store/store.js";
import type { ModelGate } from "./model-gate.js";

/** How a document left the pipeline this time round. */
export type StageOutcome =
  | { kind: "finished"; document: DocumentRecord }
  | { kind: "classify"; document: DocumentRecord }
  | { kind: "requeued"; document: DocumentRecord };

export interface PipelineContext {
  config: Config;
  store: Store;
  extractor: Extractor;
  classifier: DocumentClassifier;
  blobs: BlobStore;
  gate: ModelGate;
  logger: Logger;
  /** This process's id in `instances`: documents it works on are claimed by it. */
  owner: string;
  /** False for a document whose source asked for it whole (a mail rule with `take: message`): no child documents. */
  opensAttachments?: (document: DocumentRecord) => boolean;
  /** The daemon pauses here when the data folder's disk is full (absent: a write error fails the document). */
  storage?: StorageGuard;
}

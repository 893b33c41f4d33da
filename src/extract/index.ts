/** The extraction stage: what the pipeline calls. */
import type { ExtractConfig } from "../config/schema.js";
import type { Log } from "./format-extractor.js";
import { createPool } from "./pool.js";
import { ExtractionError, type ExtractionRequest, type ExtractionResult } from "./types.js";

export { extractFile } from "./extract-file.js";
export type { Log, LogLevel } from "./format-extractor.js";
export { closeOcr } from "./ocr.js";
export { detectType } from "./sniff.js";
export * from "./types.js";

export interface Extractor {
  /**
   * Reads the file at req.path; resolves an ExtractionResult or rejects with ExtractionError (never another
   * error type). `req.depth` is 0 for inbox files; `req.limits` may tighten or relax limits for one document.
   */
  extract(req: ExtractionRequest, signal?: AbortSignal): Promise<ExtractionResult>;
  close(): Promise<void>;
}

export function createExtractor(config: ExtractConfig, options: { log?: Log } = {}): Extractor {
  const log: Log = options.log ?? (() => {});
  const pool = createPool(config, log);
  let closed = false;
  return {
    async extract(req, signal) {
      if (closed)
        throw new ExtractionError("aborted", "the extractor was closed; the document will be retried");
      return pool.run(req, signal);
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}

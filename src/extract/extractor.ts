/** The extraction stage as the pipeline sees it: the pool of extraction processes, plain text read in place. */
import type { ExtractConfig } from "../config/schema.js";
import { createRegistry } from "./create-registry.js";
import { csvExtractor } from "./csv.js";
import { extractFile } from "./extract-file.js";
import type { Log } from "./format-extractor.js";
import { createPool } from "./pool.js";
import { textExtractor } from "./text.js";
import { ExtractionError, type ExtractionRequest, type ExtractionResult } from "./types.js";

export interface Extractor {
  /**
   * Reads the file at req.path; resolves an ExtractionResult or rejects with ExtractionError (never another
   * error type). `req.depth` is 0 for inbox files; `req.limits` may tighten or relax limits for one document.
   * With `inProcess`, a plain-text file (src/extract/lane.ts) is read right here, without the round trip to an
   * extraction process; content that turns out not to be plain text goes to the processes all the same.
   */
  extract(
    req: ExtractionRequest,
    signal?: AbortSignal,
    options?: { inProcess?: boolean },
  ): Promise<ExtractionResult>;
  close(): Promise<void>;
}

/** What the daemon reads itself: plain text only, no parser that could hang or blow up memory on hostile input. */
const IN_PROCESS = createRegistry([textExtractor, csvExtractor]);

export function createExtractor(config: ExtractConfig, options: { log?: Log } = {}): Extractor {
  const log: Log = options.log ?? (() => {});
  const pool = createPool(config, log);
  let closed = false;
  return {
    async extract(req, signal, how) {
      if (closed)
        throw new ExtractionError("aborted", "the extractor was closed; the document will be retried");
      if (how?.inProcess) {
        try {
          return await extractFile(req, config, { signal, log, registry: IN_PROCESS });
        } catch (error) {
          if (!(error instanceof ExtractionError && error.code === "unsupported_type")) throw error;
        }
      }
      return pool.run(req, signal);
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}

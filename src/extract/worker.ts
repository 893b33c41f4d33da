/** What each extraction process runs per document: extractFile, with errors turned into plain data. */
import type { ExtractConfig } from "../config/schema.js";
import { extractFile } from "./extract-file.js";
import type { LogLevel } from "./format-extractor.js";
import type { ExtractionFailureCode, ExtractionRequest, ExtractionResult } from "./types.js";
import { ExtractionError } from "./types.js";

export interface WorkerTask {
  req: ExtractionRequest;
  config: ExtractConfig;
}

export interface WorkerLogEntry {
  level: LogLevel;
  msg: string;
  data?: Record<string, unknown>;
}

export type WorkerReply =
  | { ok: true; result: ExtractionResult; logs: WorkerLogEntry[] }
  | {
      ok: false;
      error: { code: ExtractionFailureCode; message: string; type?: ExtractionResult["type"] };
      logs: WorkerLogEntry[];
    };

export default async function run({ req, config }: WorkerTask): Promise<WorkerReply> {
  const logs: WorkerLogEntry[] = [];
  const log = (level: LogLevel, msg: string, data?: Record<string, unknown>) => {
    logs.push(data ? { level, msg, data } : { level, msg });
  };
  try {
    return { ok: true, result: await extractFile(req, config, { log }), logs };
  } catch (error) {
    const failure =
      error instanceof ExtractionError
        ? error
        : new ExtractionError("crashed", `unexpected error: ${String(error)}`);
    const reply: WorkerReply = { ok: false, error: { code: failure.code, message: failure.message }, logs };
    if (failure.type) reply.error.type = failure.type;
    return reply;
  }
}

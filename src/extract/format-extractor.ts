/** The contract every per-format extractor implements. */
import type { ExtractConfig } from "../config/schema.js";
import type { OcrEngine } from "./ocr.js";
import type { DetectedType, ExtractedChild, ExtractionMethod } from "./types.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Log = (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;

export interface ExtractInput {
  bytes: Uint8Array;
  /** The name the user sees. */
  name: string;
  type: DetectedType;
  depth: number;
  config: ExtractConfig;
  /** Created on first use, then shared by every document this thread extracts. */
  ocr: () => Promise<OcrEngine>;
  signal: AbortSignal | undefined;
  log: Log;
}

export interface ExtractOutput {
  text: string;
  method: ExtractionMethod;
  pages?: number;
  pagesRead?: number;
  encoding?: string;
  ocrConfidence?: number;
  /** Milliseconds spent in OCR and how many pages/images it read (for the per-page figure). */
  ocrMs?: number;
  ocrPages?: number;
  warnings?: string[];
  children?: ExtractedChild[];
}

export interface FormatExtractor {
  /** Unique; used in logs and by the registry. */
  readonly name: string;
  /** How well this extractor reads the type: 0 = not at all; the highest score wins. */
  score(type: DetectedType): number;
  extract(input: ExtractInput): Promise<ExtractOutput>;
}

/** Score helper for the common case: a fixed set of kinds read equally well. */
export function scoreKinds(kinds: readonly string[], score = 10): (type: DetectedType) => number {
  return (type) => (kinds.includes(type.kind) ? score : 0);
}

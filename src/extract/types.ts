/** What the extraction stage hands to the rest of the pipeline. */

export type ExtractionMethod =
  | "text"
  | "html"
  | "text-layer"
  | "ocr"
  | "mixed"
  | "mime"
  | "office"
  | "spreadsheet"
  | "archive";

/** How the content of a file was identified. */
export interface DetectedType {
  /** IANA media type, e.g. `application/pdf`, `text/plain`. */
  mime: string;
  /** Short kind used to pick an extractor: pdf, text, markdown, html, csv, json, eml, docx, png, … */
  kind: string;
  /** How the type was decided: magic bytes, a text heuristic, or the file extension. */
  by: "magic" | "content" | "extension";
  /** Set when the extension says something else than the content (a PDF named .txt). */
  extensionMismatch?: { extension: string; expectedKind: string };
}

/** A file found inside another (an e-mail attachment, a ZIP member): becomes a child document. */
export interface ExtractedChild {
  name: string;
  bytes: Uint8Array;
}

export interface ExtractionResult {
  text: string;
  /** Length of `text` in UTF-16 code units. */
  chars: number;
  method: ExtractionMethod;
  type: DetectedType;
  /** Pages in the document (PDF, multi-page TIFF), when the format has pages. */
  pages?: number;
  /** Pages actually read (capped by `extract.maxPages`). */
  pagesRead?: number;
  /** Text encoding that was detected and converted from (text formats). */
  encoding?: string;
  language?: string;
  ocrConfidence?: number;
  /** Time spent in OCR and the pages/images it read (for throughput figures). */
  ocrMs?: number;
  ocrPages?: number;
  warnings: string[];
  children?: ExtractedChild[];
  durationMs: number;
}

/** Why a file could not be read. The pipeline turns each code into a `quarantined` reason. */
export type ExtractionFailureCode =
  | "unsupported_type"
  | "too_large"
  | "too_many_pages"
  | "too_many_pixels"
  | "archive_limits"
  | "nesting_depth"
  | "encrypted"
  | "corrupt"
  | "timeout"
  | "crashed"
  /** The extraction process alone took most of extract.maxMemoryMb and was stopped. */
  | "memory"
  /** The extraction process was the largest when docsort as a whole passed extract.maxMemoryMb. */
  | "memory_pressure"
  | "unreadable"
  /** The caller's AbortSignal fired (shutdown), not a property of the file: retry later. */
  | "aborted";

export class ExtractionError extends Error {
  override readonly name = "ExtractionError";
  constructor(
    readonly code: ExtractionFailureCode,
    message: string,
    readonly type?: DetectedType,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ExtractionLimits {
  maxFileBytes: number;
  maxPages: number;
  timeoutMs: number;
}

/** Input of one extraction: a file on disk (the user's file or a stored child blob). */
export interface ExtractionRequest {
  path: string;
  /** The name the user sees (used for the extension check and in warnings). */
  name: string;
  /** 0 for a file from the inbox, parent's depth + 1 for an attachment or archive member. */
  depth?: number;
  /** Per-request overrides of the configured limits. */
  limits?: Partial<ExtractionLimits>;
}

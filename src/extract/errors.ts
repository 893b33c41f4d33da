/** The messages a user reads when a document is quarantined: what happened, and what to do. */
import { SUPPORTED_SUMMARY } from "./kinds.js";
import { type DetectedType, ExtractionError } from "./types.js";

const MiB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

const UNSUPPORTED_HINTS: Readonly<Record<string, string>> = {
  rtf: "save it as DOCX or PDF",
  doc: "save it as DOCX or PDF (Word 97-2003 files are not read)",
  xls: "save it as XLSX or CSV",
  msg: "save the Outlook message as .eml (or forward it to the inbox as mail)",
  pptx: "export it as PDF",
  ppt: "export it as PDF",
  cfb: "save it as DOCX, XLSX or PDF",
  avif: "convert it to JPEG or PNG",
};

export function unsupportedType(type: DetectedType, fileName: string): ExtractionError {
  const dot = fileName.lastIndexOf(".");
  const extension = dot > 0 ? ` (${fileName.slice(dot)})` : "";
  const hint = UNSUPPORTED_HINTS[type.kind];
  const advice = hint ? `; ${hint} and drop it in again` : "";
  return new ExtractionError(
    "unsupported_type",
    `unsupported type ${type.mime}${extension}: ${SUPPORTED_SUMMARY}${advice}`,
    type,
  );
}

export function tooLarge(size: number, max: number): ExtractionError {
  return new ExtractionError(
    "too_large",
    `file is ${formatBytes(size)}, more than the limit of ${formatBytes(max)} (extract.maxFileBytes): split it or raise the limit`,
  );
}

export function nestingTooDeep(depth: number, maxDepth: number): ExtractionError {
  return new ExtractionError(
    "nesting_depth",
    `attachment nested ${depth} levels deep, more than extract.maxDepth ${maxDepth}: open the outer document by hand or raise the limit`,
  );
}

export function tooManyPixels(
  width: number,
  height: number,
  max: number,
  type: DetectedType,
): ExtractionError {
  return new ExtractionError(
    "too_many_pixels",
    `image is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, more than extract.maxImagePixels (${(max / 1e6).toFixed(1)} MP): scale it down or raise the limit`,
    type,
  );
}

export function corrupt(type: DetectedType, detail: string, cause?: unknown): ExtractionError {
  return new ExtractionError(
    "corrupt",
    `${type.kind.toUpperCase()} file is damaged or not what it claims to be (${detail}): re-export or re-download it`,
    type,
    { cause },
  );
}

export function encrypted(type: DetectedType, what = "document"): ExtractionError {
  return new ExtractionError(
    "encrypted",
    `${what} is password-protected: save an unprotected copy and drop it in again`,
    type,
  );
}

export function timedOut(ms: number): ExtractionError {
  return new ExtractionError(
    "timeout",
    `extraction took longer than ${ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} (extract.timeoutMs) and was stopped: retry, or raise the limit for large scans`,
  );
}

export function aborted(): ExtractionError {
  return new ExtractionError(
    "aborted",
    "extraction was cancelled (docsort is shutting down); it will be retried",
  );
}

export function crashed(detail: string, cause?: unknown): ExtractionError {
  return new ExtractionError(
    "crashed",
    `the extraction worker crashed (${detail}); the file may be malformed or too big to decode — retry, or check it by hand`,
    undefined,
    { cause },
  );
}

/** Anything a library threw that is not already an ExtractionError becomes one, never a raw error. */
export function asExtractionError(error: unknown, type: DetectedType | undefined): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (type) return corrupt(type, detail.slice(0, 200), error);
  return new ExtractionError("unreadable", `could not read the file: ${detail.slice(0, 200)}`, undefined, {
    cause: error,
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof ExtractionError) throw reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    throw new ExtractionError(
      "timeout",
      "extraction took longer than extract.timeoutMs and was stopped: retry, or raise the limit for large scans",
    );
  }
  throw aborted();
}

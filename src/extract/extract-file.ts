import { type FileHandle, open } from "node:fs/promises";
import type { ExtractConfig } from "../config/schema.js";
import type { ExtractorRegistry } from "./create-registry.js";
import { asExtractionError, nestingTooDeep, throwIfAborted, tooLarge, unsupportedType } from "./errors.js";
import type { ExtractInput, Log } from "./format-extractor.js";
import { extensionOf } from "./kinds.js";
import { detectLanguage } from "./language.js";
import { OPEN_NO_FOLLOW, readSmallFile } from "./read-small-file.js";
import { detectType } from "./sniff.js";
import {
  type DetectedType,
  ExtractionError,
  type ExtractionRequest,
  type ExtractionResult,
} from "./types.js";

export interface ExtractFileOptions {
  /** Checked between pages; a hard stop of hung work is the pool's job. */
  signal?: AbortSignal;
  log?: Log;
  registry?: ExtractorRegistry;
}

const silent: Log = () => {};

/**
 * Extracts one file in the current thread (what each pool worker runs). Resolves an ExtractionResult or
 * rejects with an ExtractionError, never another error type.
 */
export async function extractFile(
  req: ExtractionRequest,
  config: ExtractConfig,
  options: ExtractFileOptions = {},
): Promise<ExtractionResult> {
  const started = performance.now();
  const log = options.log ?? silent;
  let type: DetectedType | undefined;
  try {
    const effective = withOverrides(config, req);
    const depth = req.depth ?? 0;
    if (depth > effective.maxDepth) throw nestingTooDeep(depth, effective.maxDepth);
    const bytes = await readLimited(req.path, effective.maxFileBytes);
    type = await detectType(bytes, req.name);
    const detected = type;
    const warnings = mismatchWarnings(detected, req.name);
    if (detected.kind === "empty") {
      return finish({ text: "", method: "text", warnings: ["empty file"] }, detected, started);
    }
    // the full registry (pdf.js, OCR, office formats) and the OCR engine are loaded only where they are used
    const registry = options.registry ?? (await import("./registry.js")).defaultRegistry;
    const extractor = registry.pick(detected);
    if (!extractor) throw unsupportedType(detected, req.name);
    throwIfAborted(options.signal);
    const input: ExtractInput = {
      bytes,
      name: req.name,
      type: detected,
      depth,
      config: effective,
      ocr: async () => (await import("./ocr.js")).getOcrEngine(effective.ocr.languages, log),
      signal: options.signal,
      log,
    };
    const output = await extractor.extract(input);
    const result = finish(
      { ...output, warnings: [...warnings, ...(output.warnings ?? [])] },
      detected,
      started,
    );
    log("debug", "extracted", {
      name: req.name,
      kind: detected.kind,
      extractor: extractor.name,
      ms: result.durationMs,
    });
    return result;
  } catch (error) {
    throw asExtractionError(error, type);
  }
}

type Output = Omit<ExtractionResult, "type" | "chars" | "durationMs" | "language">;

function finish(output: Output, type: DetectedType, started: number): ExtractionResult {
  // NUL and other C0 controls (but tab, newline, form feed) only hurt the database and the model.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const text = output.text.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, "").trim();
  const result: ExtractionResult = {
    ...output,
    text,
    chars: text.length,
    type,
    durationMs: Math.round(performance.now() - started),
  };
  const language = detectLanguage(text);
  if (language) result.language = language;
  return result;
}

function withOverrides(config: ExtractConfig, req: ExtractionRequest): ExtractConfig {
  const limits = req.limits ?? {};
  return {
    ...config,
    maxFileBytes: limits.maxFileBytes ?? config.maxFileBytes,
    maxPages: limits.maxPages ?? config.maxPages,
    timeoutMs: limits.timeoutMs ?? config.timeoutMs,
  };
}

/**
 * The size is checked before reading, so an oversized file never lands in memory. The file is opened without
 * following a symbolic link (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK), and must be a regular file.
 * A small one is read with blocking calls (READ_AT_ONCE_BYTES), a larger one asynchronously.
 */
async function readLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  let small: ReturnType<typeof readSmallFile>;
  try {
    small = readSmallFile(path, maxBytes);
  } catch (cause) {
    throw unreadable(path, cause);
  }
  if (!small.opened.isFile())
    throw new ExtractionError("unreadable", `${path} is not a regular file: nothing to read`);
  if (small.opened.size > maxBytes) throw tooLarge(small.opened.size, maxBytes);
  if (small.bytes) {
    if (small.bytes.length > maxBytes) throw tooLarge(small.bytes.length, maxBytes);
    return small.bytes;
  }
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_NO_FOLLOW);
  } catch (cause) {
    throw unreadable(path, cause);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      throw new ExtractionError("unreadable", `${path} is not a regular file: nothing to read`);
    if (stats.size > maxBytes) throw tooLarge(stats.size, maxBytes);
    return await readToEnd(handle, stats.size, maxBytes);
  } finally {
    await handle.close();
  }
}

/** Bytes read after the first buffer was filled (the file grew since it was looked at). */
const MORE_BYTES = 64 * 1024;

/**
 * The whole file from offset 0, in one read when it still has the size it had: the buffer holds one byte more
 * than expected, so a short read is the end of the file (a regular file reads short only there). A file that grew
 * meanwhile is read on to its end, and refused as soon as it passes `maxBytes`.
 */
async function readToEnd(handle: FileHandle, expected: number, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let buffer = Buffer.allocUnsafe(expected + 1); ; buffer = Buffer.allocUnsafe(MORE_BYTES)) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
    if (bytesRead > 0) chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(total, maxBytes);
    if (bytesRead < buffer.length) break;
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total);
}

function unreadable(path: string, cause: unknown): ExtractionError {
  const code = (cause as NodeJS.ErrnoException).code;
  const message =
    code === "ENOENT"
      ? `file not found: ${path} (moved or deleted before it was read)`
      : code === "ELOOP"
        ? `${path} is a symbolic link: docsort never reads through links`
        : code === "EACCES" || code === "EPERM"
          ? `permission denied: cannot read ${path}`
          : `cannot read ${path}: ${code}`;
  return new ExtractionError("unreadable", message, undefined, { cause });
}

function mismatchWarnings(type: DetectedType, name: string): string[] {
  if (!type.extensionMismatch) return [];
  const { extension, expectedKind } = type.extensionMismatch;
  return [
    `the name ends in .${extension || extensionOf(name)} (${expectedKind}) but the content is ${type.kind} (${type.mime}); read as ${type.kind}`,
  ];
}

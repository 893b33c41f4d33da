/** What crosses the thread boundary back from a worker, checked before the pipeline sees it. */
import { z } from "zod";

const detectedTypeSchema = z.object({
  mime: z.string(),
  kind: z.string(),
  by: z.enum(["magic", "content", "extension"]),
  extensionMismatch: z.object({ extension: z.string(), expectedKind: z.string() }).optional(),
});

const resultSchema = z.object({
  text: z.string(),
  chars: z.int().min(0),
  method: z.enum(["text", "html", "text-layer", "ocr", "mixed", "mime", "office", "spreadsheet", "archive"]),
  type: detectedTypeSchema,
  pages: z.int().min(0).optional(),
  pagesRead: z.int().min(0).optional(),
  encoding: z.string().optional(),
  language: z.string().optional(),
  ocrConfidence: z.number().min(0).max(1).optional(),
  ocrMs: z.number().min(0).optional(),
  ocrPages: z.int().min(0).optional(),
  warnings: z.array(z.string()),
  children: z.array(z.object({ name: z.string(), bytes: z.instanceof(Uint8Array) })).optional(),
  durationMs: z.number().min(0),
});

const logSchema = z.object({
  level: z.enum(["debug", "info", "warn", "error"]),
  msg: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const codeSchema = z.enum([
  "unsupported_type",
  "too_large",
  "too_many_pages",
  "too_many_pixels",
  "archive_limits",
  "nesting_depth",
  "encrypted",
  "corrupt",
  "timeout",
  "crashed",
  "memory",
  "memory_pressure",
  "unreadable",
  "aborted",
]);

export const workerReplySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: resultSchema, logs: z.array(logSchema) }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: codeSchema, message: z.string(), type: detectedTypeSchema.optional() }),
    logs: z.array(logSchema),
  }),
]);

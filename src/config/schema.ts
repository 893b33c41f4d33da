import { availableParallelism } from "node:os";
import { z } from "zod";
import { mailSchema } from "./mail-schema.js";
import { modelField } from "./reading-model-schema.js";
import { readingFields } from "./reading-schema.js";
import type { Places } from "./resolve-config.js";

export type { ModelConfig, ModelHost } from "./model-schema.js";
export type { Category } from "./taxonomy-schema.js";

const MiB = 1024 * 1024;

const intakeSchema = z.strictObject({
  stableMs: z
    .int()
    .min(0)
    .default(1000)
    .describe("A file is taken once its size and mtime are unchanged this long."),
  rescanIntervalMs: z
    .int()
    .min(0)
    .default(60_000)
    .describe("Periodic full rescan of the inbox; 0 turns it off."),
  usePolling: z
    .boolean()
    .default(false)
    .describe("Poll instead of OS events (network shares, some containers)."),
  pollIntervalMs: z.int().min(50).default(1000).describe("Polling interval when polling."),
  ignore: z
    .array(z.string())
    .default([])
    .describe(
      "Extra file-name patterns to ignore (glob-like: * and ?), on top of the built-in temporary names.",
    ),
});

const ocrSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("OCR images and pages without a text layer."),
  languages: z
    .array(z.enum(["eng", "deu", "fra"]))
    .min(1)
    .default(["eng"])
    .describe("OCR languages (data installed by npm ci); more languages cost a little time per page."),
});

const extractSchema = z.strictObject({
  minChars: z
    .int()
    .min(0)
    .default(20)
    .describe("Less text than this goes to needs_review (reason: no text)."),
  maxFileBytes: z
    .int()
    .positive()
    .default(100 * MiB)
    .describe("Larger files are quarantined (100 MiB)."),
  maxPages: z
    .int()
    .positive()
    .default(50)
    .describe("Pages read per document; the rest is skipped and noted."),
  maxImagePixels: z.int().positive().default(60_000_000).describe("Larger images are quarantined."),
  maxArchiveMembers: z
    .int()
    .positive()
    .default(200)
    .describe("Files taken from one ZIP or e-mail; more is refused (ZIP) or cut (e-mail)."),
  maxArchiveBytes: z
    .int()
    .positive()
    .default(500 * MiB)
    .describe("Expanded size of one archive (zip bombs are refused)."),
  maxDepth: z
    .int()
    .min(0)
    .default(3)
    .describe("How deep attachments of attachments (and archives) are opened."),
  timeoutMs: z.int().positive().default(120_000).describe("Extraction time per document."),
  workers: z
    .int()
    .positive()
    .default(Math.max(1, availableParallelism()))
    .describe("Extraction processes (default: the number of CPUs)."),
  maxMemoryMb: z
    .int()
    .min(256)
    .default(1536)
    .describe(
      "Most memory (RSS) docsort may use, the daemon and its extraction processes together; an extraction that would pass it is stopped.",
    ),
  ocr: ocrSchema.prefault({}),
});

const reviewSchema = z.strictObject({
  minConfidence: z
    .number()
    .min(0)
    .max(1)
    .default(0.7)
    .describe("Below this a document goes to needs_review."),
  priorityAmount: z
    .number()
    .min(0)
    .default(1000)
    .describe("Invoices whose total is at least this (any currency) come first in the review queue."),
});

const learningSchema = z.strictObject({
  examples: z
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe(
      "Confirmed documents most similar to a new one (bm25) shown to the model as examples; 0 turns it off.",
    ),
});

/** How many tokens a classification may spend (issue 11 §2): a generated or evaluated token is CPU time. */
const tokensSchema = z.strictObject({
  firstPass: z
    .int()
    .min(0)
    .default(224)
    .describe(
      "Estimated tokens of document text in the first classification request: its beginning and end. An answer below review.minConfidence to a text cut for this budget is asked for once more with as much text as num_ctx allows. 0 always sends as much as num_ctx allows.",
    ),
  exampleMinSimilarity: z
    .number()
    .min(0)
    .max(1)
    .default(0.3)
    .describe(
      "A confirmed document (learning.examples) is shown to the model only when this alike the new one: the share of words the starts of both have in common (Dice, 0–1).",
    ),
  exampleTokens: z
    .int()
    .min(0)
    .default(300)
    .describe("Most estimated tokens the examples together may add to a classification prompt."),
});

const builtinSchema = z.strictObject({
  skipModelAbove: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe(
      "When the built-in classifier is at least this confident and the nearest confirmed documents agree, the model is not asked; null (default) always asks the model.",
    ),
  skipModelNeighbours: z
    .int()
    .min(1)
    .default(3)
    .describe("How many nearest confirmed documents must share the category before the model is skipped."),
  crossCheckAfter: z
    .int()
    .min(0)
    .default(20)
    .describe(
      "Confirmed documents needed before the built-in classifier's agreement or disagreement changes the model's confidence; until then it is only recorded.",
    ),
  disagreeAbove: z
    .number()
    .min(0)
    .max(1)
    .default(0.6)
    .describe(
      "A disagreement of the built-in classifier at least this confident sends the document to review.",
    ),
});

const outboxSchema = z.strictObject({
  maxAttempts: z
    .int()
    .min(1)
    .default(6)
    .describe("Attempts of a handler run before it is `dead` (docsort retry revives it)."),
  retryBaseMs: z
    .int()
    .min(1)
    .default(30_000)
    .describe("First retry delay; doubles each attempt, with full jitter."),
  retryMaxMs: z.int().min(1).default(3_600_000).describe("Longest delay between two attempts."),
  concurrency: z.int().positive().default(2).describe("Handler runs executed at once by the daemon."),
  pollIntervalMs: z
    .int()
    .min(10)
    .default(1000)
    .describe("How often the daemon looks for runs that became due."),
  outputMaxChars: z
    .int()
    .min(100)
    .default(4000)
    .describe("Output (response body, stdout/stderr) kept per run."),
});

const invoicesSchema = z.strictObject({
  archiveDir: z
    .string()
    .min(1)
    .default("archive/invoices")
    .describe("Where invoice originals are filed; relative paths are inside the data folder."),
  archiveTemplate: z
    .string()
    .min(1)
    .default("{vendor}/{yyyy}/{yyyy}-{mm}-{dd}_{invoice_number}{ext}")
    .describe("Path of the archive copy below archiveDir; values are sanitised into safe names."),
  requiredFields: z
    .array(
      z.enum([
        "vendor",
        "invoice_number",
        "invoice_date",
        "due_date",
        "currency",
        "total",
        "subtotal",
        "tax",
      ]),
    )
    .default(["vendor", "invoice_number", "invoice_date", "currency", "total"])
    .describe("Fields without which an invoice needs attention."),
  numPredict: z
    .int()
    .min(128)
    .default(1536)
    .describe("Output tokens reserved for the invoice-field answer (it is longer than a classification)."),
});

const serveSchema = z.strictObject({
  port: z
    .int()
    .min(0)
    .max(65_535)
    .default(8417)
    .describe(
      "Port of docsort serve (and watch --serve) on 127.0.0.1; 0 takes any free port. Another address only with --host.",
    ),
  sessionHours: z
    .int()
    .min(1)
    .default(12)
    .describe("How long a browser stays signed in after opening the token URL."),
  pageSide: z
    .int()
    .min(400)
    .max(4000)
    .default(1600)
    .describe("Longest side of page images in the review app, in pixels."),
});

const reliabilitySchema = z.strictObject({
  maxInterruptions: z
    .int()
    .min(1)
    .default(3)
    .describe("A document in flight during this many crashes, kills or extraction timeouts is quarantined."),
  modelRetryBaseMs: z
    .int()
    .min(1)
    .default(60_000)
    .describe(
      "After a model failure (5xx, timeout, broken stream, unusable answer) a document waits this long, doubling each time.",
    ),
  modelRetryMaxMs: z
    .int()
    .min(1)
    .default(4 * 3_600_000)
    .describe("Longest wait between two tries of a document the model failed on."),
  modelFailOccasions: z
    .int()
    .min(1)
    .default(5)
    .describe("A document is `failed` only after the model failed on it this many separate times …"),
  modelFailAfterMs: z
    .int()
    .min(0)
    .default(3_600_000)
    .describe("… spread over at least this long (default one hour)."),
  breakerFailures: z
    .int()
    .min(1)
    .default(5)
    .describe(
      "Model requests failing in a row (5xx, timeouts, broken streams) that open the circuit breaker.",
    ),
  breakerOpenMs: z
    .int()
    .min(1)
    .default(30_000)
    .describe("How long an open breaker sends nothing before one trial request; doubles while trials fail."),
  breakerMaxOpenMs: z.int().min(1).default(600_000).describe("Longest pause of an open breaker."),
});

const logSchema = z.strictObject({
  level: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("Level of DOCSORT_HOME/logs/docsort.log (--verbose: debug)."),
});

/** docsort.config.json. Every key has a default, so the file is optional. */
export const configFileSchema = z.strictObject({
  home: readingFields.home,
  inbox: readingFields.inbox,
  prompts: readingFields.prompts,
  taxonomy: readingFields.taxonomy,
  intake: intakeSchema.prefault({}),
  extract: extractSchema.prefault({}),
  model: modelField,
  review: reviewSchema.prefault({}),
  learning: learningSchema.prefault({}),
  tokens: tokensSchema.prefault({}),
  builtin: builtinSchema.prefault({}),
  log: logSchema.prefault({}),
  reliability: reliabilitySchema.prefault({}),
  outbox: outboxSchema.prefault({}),
  invoices: invoicesSchema.prefault({}),
  mail: mailSchema.prefault({}),
  serve: serveSchema.prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type IntakeConfig = z.infer<typeof intakeSchema>;
export type ExtractConfig = z.infer<typeof extractSchema>;
export type BuiltinConfig = z.infer<typeof builtinSchema>;
export type OutboxConfig = z.infer<typeof outboxSchema>;
export type InvoicesConfig = z.infer<typeof invoicesSchema>;
export type ServeConfig = z.infer<typeof serveSchema>;
export type ReliabilityConfig = z.infer<typeof reliabilitySchema>;

/** The resolved configuration: paths are absolute. */
export interface Config extends Omit<ConfigFile, keyof Places>, Places {}

import { availableParallelism } from "node:os";
import { z } from "zod";
import { DEFAULT_TAXONOMY } from "./default-taxonomy.js";

const MiB = 1024 * 1024;

export const categorySchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]*$/,
      "a category name is lower-case letters, digits and _, starting with a letter",
    ),
  description: z.string().min(1).describe("Used in the prompt: what belongs in this category."),
});
export type Category = z.infer<typeof categorySchema>;

const taxonomySchema = z
  .array(categorySchema)
  .min(2, "the taxonomy needs at least two categories")
  .superRefine((categories, ctx) => {
    const seen = new Set<string>();
    for (const [index, { name }] of categories.entries()) {
      if (seen.has(name))
        ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate category "${name}"` });
      seen.add(name);
    }
  });

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
  pollIntervalMs: z.int().min(50).default(1000),
  ignore: z
    .array(z.string())
    .default([])
    .describe(
      "Extra file-name patterns to ignore (glob-like: * and ?), on top of the built-in temporary names.",
    ),
});

const ocrSchema = z.strictObject({
  enabled: z.boolean().default(true),
  languages: z
    .array(z.enum(["eng", "deu", "fra"]))
    .min(1)
    .default(["eng"]),
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
    .default(100 * MiB),
  maxPages: z.int().positive().default(50),
  maxImagePixels: z.int().positive().default(60_000_000),
  maxArchiveMembers: z.int().positive().default(200),
  maxArchiveBytes: z
    .int()
    .positive()
    .default(500 * MiB),
  maxDepth: z
    .int()
    .min(0)
    .default(3)
    .describe("How deep attachments of attachments (and archives) are opened."),
  timeoutMs: z.int().positive().default(120_000).describe("Extraction time per document."),
  workers: z.int().positive().default(Math.max(1, availableParallelism())),
  ocr: ocrSchema.prefault({}),
});

const modelSchema = z.strictObject({
  host: z.url().default("http://127.0.0.1:11434").describe("Ollama base URL (env OLLAMA_HOST)."),
  name: z.string().min(1).default("llama3.2").describe("Ollama model (env DOCSORT_MODEL)."),
  numCtx: z.int().min(512).default(8192).describe("Context window sent with every request (num_ctx)."),
  numPredict: z.int().min(64).default(512).describe("Output tokens reserved for the answer (num_predict)."),
  temperature: z.number().min(0).max(2).default(0),
  keepAlive: z.union([z.string(), z.number()]).default("10m"),
  timeoutMs: z
    .int()
    .positive()
    .default(120_000)
    .describe("Per request; the HTTP request is cancelled on time."),
  maxRetries: z.int().min(0).default(3).describe("Retries of transport errors and timeouts before `failed`."),
  parallel: z.int().positive().default(1).describe("Concurrent model requests (match OLLAMA_NUM_PARALLEL)."),
  charsPerToken: z
    .number()
    .positive()
    .default(3)
    .describe("Conservative characters-per-token estimate used for the prompt budget."),
  safetyMargin: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe("Share of num_ctx kept free as a safety margin."),
});

const reviewSchema = z.strictObject({
  minConfidence: z
    .number()
    .min(0)
    .max(1)
    .default(0.7)
    .describe("Below this a document goes to needs_review."),
});

const logSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** docsort.config.json. Every key has a default, so the file is optional. */
export const configFileSchema = z.strictObject({
  home: z.string().default(".docsort").describe("Data folder: database, logs, archive (env DOCSORT_HOME)."),
  inbox: z.string().default("inbox").describe("The watched folder (env DOCSORT_INBOX)."),
  prompts: z
    .string()
    .optional()
    .describe("Folder with classify.md / invoice.md; default: the shipped prompts/."),
  taxonomy: taxonomySchema.default(DEFAULT_TAXONOMY),
  intake: intakeSchema.prefault({}),
  extract: extractSchema.prefault({}),
  model: modelSchema.prefault({}),
  review: reviewSchema.prefault({}),
  log: logSchema.prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type IntakeConfig = z.infer<typeof intakeSchema>;
export type ExtractConfig = z.infer<typeof extractSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;

/** The resolved configuration: paths are absolute. */
export interface Config extends ConfigFile {
  home: string;
  inbox: string;
  prompts: string;
  /** The config file that was read, if any. */
  source: string | undefined;
}

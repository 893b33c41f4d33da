import { z } from "zod";
import { DEFAULT_TAXONOMY } from "./default-taxonomy.js";
import { modelSchema } from "./model-schema.js";
import { taxonomySchema } from "./taxonomy-schema.js";

/**
 * The keys of docsort.config.json that the commands reading the store use (list, show, stats, invoices list):
 * where the data and the inbox are, the categories and the model hosts. The full schema (schema.ts) is made of
 * these and the rest; a reading command validates only these, so it neither pays for building the whole schema
 * with zod (a tenth of its start-up) nor refuses to read the store over a mistake in a key it does not use.
 */
export const readingFields = {
  home: z.string().default(".docsort").describe("Data folder: database, logs, archive (env DOCSORT_HOME)."),
  inbox: z.string().default("inbox").describe("The watched folder (env DOCSORT_INBOX)."),
  prompts: z
    .string()
    .optional()
    .describe("Folder with classify.md / invoice.md; default: the shipped prompts/."),
  taxonomy: taxonomySchema
    .default(DEFAULT_TAXONOMY)
    .describe("The categories, each with a description the model reads (default: the eight below)."),
  model: modelSchema.prefault({}),
};

/** The reading keys of the file; other keys are left out, unchecked. */
export const readingConfigSchema = z.object(readingFields);
export type ReadingConfigFile = z.infer<typeof readingConfigSchema>;

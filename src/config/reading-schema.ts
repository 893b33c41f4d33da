import { z } from "zod";
import { DEFAULT_TAXONOMY } from "./default-taxonomy.js";
import { taxonomySchema } from "./taxonomy-schema.js";

/**
 * The keys of docsort.config.json that the commands reading the store use (list, show, invoices list): where the
 * data and the inbox are, and the categories. The full schema (schema.ts) is made of these and the rest; a
 * reading command validates only these, so it neither pays for building the whole schema with zod (a tenth of
 * its start-up) nor refuses to read the store over a mistake in a key it does not use. `stats` adds the model
 * hosts (reading-model-schema.ts).
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
};

/** The reading keys of the file; other keys are left out, unchecked. */
export const readingConfigSchema = z.object(readingFields);
export type ReadingConfigFile = z.infer<typeof readingConfigSchema>;

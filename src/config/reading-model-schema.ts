import { z } from "zod";
import { modelSchema } from "./model-schema.js";
import { readingFields } from "./reading-schema.js";

/**
 * The reading keys (reading-schema.ts) and the model hosts: what `stats` reads, which reports the use of every
 * configured host. Its own module, so the other reading commands do not build the model's schema (~5 ms of zod).
 */
export const modelField = modelSchema.prefault({});
export const readingModelConfigSchema = z.object({ ...readingFields, model: modelField });

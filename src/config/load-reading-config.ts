import type { z } from "zod";
import { type ReadingConfigFile, readingConfigSchema } from "./reading-schema.js";
import { type ConfigOverrides, type Env, type Places, resolveConfig } from "./resolve-config.js";

/** What a command that reads the store knows of the configuration: the keys of `File`, paths resolved. */
export type ReadingConfig<File = ReadingConfigFile> = Omit<File, keyof Places> & Places;

/**
 * The configuration as a command that only reads the store needs it: the keys of `schema` validated
 * (reading-schema.ts by default; reading-model-schema.ts adds the model hosts), the others neither read nor
 * checked (resolveConfig: precedence, paths, errors).
 */
export function loadReadingConfig(overrides?: ConfigOverrides, env?: Env, cwd?: string): ReadingConfig;
export function loadReadingConfig<File extends ReadingConfigFile>(
  overrides: ConfigOverrides,
  env: Env,
  cwd: string,
  schema: z.ZodType<File, unknown>,
): ReadingConfig<File>;
export function loadReadingConfig(
  overrides: ConfigOverrides = {},
  env: Env = process.env,
  cwd = process.cwd(),
  schema: z.ZodType<ReadingConfigFile, unknown> = readingConfigSchema,
): ReadingConfig {
  return resolveConfig(schema, overrides, env, cwd);
}

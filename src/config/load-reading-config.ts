import { type ReadingConfigFile, readingConfigSchema } from "./reading-schema.js";
import { type ConfigOverrides, type Env, type Places, resolveConfig } from "./resolve-config.js";

/** What the commands that read the store know of the configuration (reading-schema.ts). */
export type ReadingConfig = Omit<ReadingConfigFile, keyof Places> & Places;

/**
 * The configuration as the commands that only read the store need it: the keys of reading-schema.ts validated,
 * the others neither read nor checked (resolveConfig: precedence, paths, errors).
 */
export function loadReadingConfig(
  overrides: ConfigOverrides = {},
  env: Env = process.env,
  cwd = process.cwd(),
): ReadingConfig {
  return resolveConfig(readingConfigSchema, overrides, env, cwd);
}

import { type ConfigOverrides, type Env, resolveConfig } from "./resolve-config.js";
import { type Config, configFileSchema } from "./schema.js";

export {
  type ConfigOverrides,
  DEFAULT_CONFIG_NAME,
  normaliseOllamaHost,
  SHIPPED_PROMPTS,
} from "./resolve-config.js";

/** The whole configuration, every key validated (resolveConfig: precedence, paths, errors). */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: Env = process.env,
  cwd = process.cwd(),
): Config {
  return resolveConfig(configFileSchema, overrides, env, cwd);
}

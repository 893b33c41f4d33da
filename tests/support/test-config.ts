import { SHIPPED_PROMPTS } from "../../src/config/load-config.js";
import { type Config, configFileSchema } from "../../src/config/schema.js";

/** A resolved configuration from a config-file object, the way the app would see it. */
export function testConfig(
  file: Record<string, unknown> = {},
  paths: { home?: string; inbox?: string } = {},
): Config {
  const parsed = configFileSchema.parse(file);
  return {
    ...parsed,
    home: paths.home ?? "/nonexistent/docsort-home",
    inbox: paths.inbox ?? "/nonexistent/docsort-inbox",
    prompts: SHIPPED_PROMPTS,
    source: undefined,
  };
}

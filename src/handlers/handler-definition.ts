import { readFileSync } from "node:fs";
import path from "node:path";
import { formatIssues } from "../config/format-issues.js";
import type { Category } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { ANY_CATEGORY, type HandlerTrigger } from "../store/handler-triggers.js";
import type { NewHandler } from "../store/handlers-repo.js";
import type { HandlerRegistry } from "./index.js";

export interface HandlerInput {
  name: string;
  kind: string;
  on: string | undefined;
  trigger: HandlerTrigger;
  minConfidence: number;
  config: string | undefined;
  enabled: boolean;
  order: number | undefined;
}

/** `handlers add` input → a handler the store can take; the config is validated by its kind's schema. */
export function defineHandler(
  input: HandlerInput,
  registry: HandlerRegistry,
  taxonomy: readonly Category[],
  cwd: string,
): NewHandler {
  const kind = registry.get(input.kind);
  if (!kind)
    throw new UsageError(`unknown handler kind "${input.kind}" (known: ${registry.names().join(", ")}).`);
  const categories = parseCategories(input.on, input.trigger, taxonomy);
  const raw = readConfig(input.config, cwd);
  const parsed = kind.configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues, raw);
    throw new UsageError(`invalid config for a ${kind.name} handler:\n  ${issues.join("\n  ")}`);
  }
  return {
    name: input.name,
    kind: kind.name,
    config: raw,
    trigger: input.trigger,
    categories,
    minConfidence: input.minConfidence,
    enabled: input.enabled,
    ...(input.order !== undefined ? { position: input.order } : {}),
  };
}

function parseCategories(
  on: string | undefined,
  trigger: HandlerTrigger,
  taxonomy: readonly Category[],
): string[] {
  if (on === undefined) {
    if (trigger === "document.classified")
      throw new UsageError(
        `--on is required: the categories the handler fires on (or "${ANY_CATEGORY}" for all).`,
      );
    return [ANY_CATEGORY];
  }
  const names = on
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError("--on needs at least one category.");
  const known = new Set(taxonomy.map((c) => c.name));
  const unknown = names.filter((name) => name !== ANY_CATEGORY && !known.has(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--on: unknown category ${unknown.join(", ")} (the taxonomy has ${[...known].join(", ")}, or ${ANY_CATEGORY}).`,
    );
  }
  return [...new Set(names)];
}

/** `{"url": …}` inline, or `@file.json`. */
function readConfig(value: string | undefined, cwd: string): unknown {
  if (value === undefined) return {};
  let text = value;
  if (value.startsWith("@")) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`--config: cannot read ${file} (${(error as Error).message}).`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--config is not valid JSON (${(error as Error).message}); give a JSON object or @file.json.`,
    );
  }
}

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { PACKAGE_FOLDER } from "../package-files.js";
import { formatIssues } from "./format-issues.js";

export const DEFAULT_CONFIG_NAME = "docsort.config.json";
export const SHIPPED_PROMPTS = path.join(PACKAGE_FOLDER, "prompts");

export interface ConfigOverrides {
  /** --config: must exist when given. */
  configPath?: string | undefined;
  /** --home */
  home?: string | undefined;
  /** --inbox */
  inbox?: string | undefined;
}

/** What every schema of the file has: where the data, the inbox and the prompts are. */
interface PlacesInFile {
  home: string;
  inbox: string;
  prompts?: string | undefined;
}

/** The places resolved: absolute paths, and where they were named. */
export interface Places {
  home: string;
  inbox: string;
  prompts: string;
  /** The config file that was read, if any. */
  source: string | undefined;
  /**
   * Who named the inbox: `--inbox`, `DOCSORT_INBOX` or the config file's path; undefined for the default
   * `inbox` folder, the only one docsort creates itself.
   */
  inboxNamedBy?: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the config file (--config, DOCSORT_CONFIG or ./docsort.config.json when present), merges the environment
 * into it and validates it with `schema`. Precedence: flag > environment > config file > default. Relative paths
 * in the file are relative to it. Throws ConfigError (a file named but missing, not JSON, or not valid).
 */
export function resolveConfig<File extends PlacesInFile>(
  schema: z.ZodType<File, unknown>,
  overrides: ConfigOverrides,
  env: Env,
  cwd: string,
): Omit<File, keyof Places> & Places {
  const source = findConfigFile(overrides.configPath, env, cwd);
  const raw = source ? readJson(source) : {};
  const result = schema.safeParse(applyEnv(raw, env));
  if (!result.success) {
    const where = source ?? "configuration";
    const lines = formatIssues(result.error.issues, raw);
    throw new ConfigError(`${where}: invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const file = result.data;
  const fileDir = source ? path.dirname(source) : cwd;
  const pick = (flag: string | undefined, envValue: string | undefined, fromFile: string) =>
    flag ? path.resolve(cwd, flag) : envValue ? path.resolve(cwd, envValue) : path.resolve(fileDir, fromFile);
  return {
    ...file,
    home: pick(overrides.home, env.DOCSORT_HOME, file.home),
    inbox: pick(overrides.inbox, env.DOCSORT_INBOX, file.inbox),
    prompts: file.prompts ? path.resolve(fileDir, file.prompts) : SHIPPED_PROMPTS,
    source,
    inboxNamedBy: overrides.inbox
      ? "--inbox"
      : env.DOCSORT_INBOX
        ? "DOCSORT_INBOX"
        : hasKey(raw, "inbox")
          ? `"inbox" in ${source}`
          : undefined,
  };
}

function findConfigFile(explicit: string | undefined, env: Env, cwd: string): string | undefined {
  const wanted = explicit ?? env.DOCSORT_CONFIG;
  if (wanted) {
    const resolved = path.resolve(cwd, wanted);
    if (!existsSync(resolved)) throw new ConfigError(`${resolved}: config file not found.`);
    return resolved;
  }
  const local = path.join(cwd, DEFAULT_CONFIG_NAME);
  return existsSync(local) ? local : undefined;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the config file.`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${file}: not valid JSON (${reason}).`, { cause: error });
  }
}

/** Environment variables win over the file; they are merged into the raw object before validation. */
function applyEnv(raw: unknown, env: Env): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const merged: Record<string, unknown> = { ...raw };
  const host = env.OLLAMA_HOST;
  const modelName = env.DOCSORT_MODEL;
  if (host || modelName) {
    const model = typeof merged.model === "object" && merged.model !== null ? { ...merged.model } : {};
    if (host) Object.assign(model, { host: normaliseOllamaHost(host) });
    if (modelName) Object.assign(model, { name: modelName });
    merged.model = model;
  }
  return merged;
}

/** Ollama accepts `host`, `host:port` and full URLs in OLLAMA_HOST; the default port is 11434. */
export function normaliseOllamaHost(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, "");
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (!url.port && !/^[a-z]+:\/\/[^/]+:\d+/i.test(withScheme))
      url.port = url.protocol === "https:" ? "" : "11434";
    if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return withScheme;
  }
}

function hasKey(raw: unknown, key: string): boolean {
  return raw !== null && typeof raw === "object" && Object.hasOwn(raw, key);
}

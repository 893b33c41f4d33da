import { z } from "zod";
import type { ModelConfig } from "../config/schema.js";

export type ModelHealth =
  | { ok: true; version: string | undefined; model: string }
  | { ok: false; problem: "unreachable" | "model_missing" | "bad_response"; message: string };

const tagsSchema = z.object({ models: z.array(z.object({ name: z.string() })) });
const versionSchema = z.object({ version: z.string() });

/** Asks the server which models it has (GET /api/tags): cheap, loads no model. */
export async function checkModelHealth(model: ModelConfig, timeoutMs = 5000): Promise<ModelHealth> {
  let tags: z.infer<typeof tagsSchema>;
  try {
    const response = await fetch(`${model.host}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      return {
        ok: false,
        problem: "bad_response",
        message: `${model.host}/api/tags answered ${response.status}`,
      };
    }
    const parsed = tagsSchema.safeParse(await response.json());
    if (!parsed.success) {
      return {
        ok: false,
        problem: "bad_response",
        message: `${model.host} does not answer like an Ollama server`,
      };
    }
    tags = parsed.data;
  } catch (error) {
    return {
      ok: false,
      problem: "unreachable",
      message: `Ollama is not reachable at ${model.host} (${fetchProblem(error)}): start it with "ollama serve" or set OLLAMA_HOST`,
    };
  }
  if (!tags.models.some((m) => sameModel(m.name, model.name))) {
    const available = tags.models.map((m) => m.name).join(", ") || "none";
    return {
      ok: false,
      problem: "model_missing",
      message: `model ${model.name} not found at ${model.host}: run "ollama pull ${model.name}" (available: ${available})`,
    };
  }
  return { ok: true, version: await fetchVersion(model.host, timeoutMs), model: model.name };
}

async function fetchVersion(host: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${host}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
    const parsed = versionSchema.safeParse(await response.json());
    return parsed.success ? parsed.data.version : undefined;
  } catch {
    return undefined;
  }
}

/** Ollama lists names with a tag: `llama3.2` is `llama3.2:latest`. */
export function sameModel(listed: string, wanted: string): boolean {
  const withTag = (name: string) => (name.includes(":") ? name : `${name}:latest`);
  return withTag(listed) === withTag(wanted);
}

/** `fetch failed` says nothing; its cause says ECONNREFUSED, ENOTFOUND, a timeout, … */
function fetchProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

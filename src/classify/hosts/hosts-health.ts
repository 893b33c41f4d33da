import type { ModelConfig } from "../../config/schema.js";
import { checkModelHealth, type ModelHealth } from "../ollama-health.js";

/** One host's health check (see checkModelHealth). */
export interface HostHealth {
  url: string;
  parallel: number;
  health: ModelHealth;
}

/** Checks every host of `model.hosts` at once (GET /api/tags and /api/version each); in configuration order. */
export async function checkEveryHost(model: ModelConfig, timeoutMs?: number): Promise<HostHealth[]> {
  return Promise.all(
    model.hosts.map(async (host) => ({
      url: host.url,
      parallel: host.parallel,
      health: await checkModelHealth({ ...model, host: host.url }, timeoutMs),
    })),
  );
}

/**
 * Whether the model can be used at all: ok as soon as one host has it (the first such host's health), otherwise the
 * first host's problem — with one host exactly checkModelHealth — or, with several, every host's message in one.
 */
export async function checkAnyHost(
  model: ModelConfig,
  onHealthy?: (url: string) => void,
): Promise<ModelHealth> {
  const checks = await checkEveryHost(model);
  for (const check of checks) if (check.health.ok) onHealthy?.(check.url);
  const healthy = checks.find((c) => c.health.ok);
  if (healthy) return healthy.health;
  const problems = checks.flatMap((c) => (c.health.ok ? [] : [c.health]));
  const [first] = problems;
  if (!first || problems.length === 1)
    return first ?? { ok: false, problem: "unreachable", message: "no hosts" };
  return {
    ok: false,
    problem: problems.every((p) => p.problem === first.problem) ? first.problem : "unreachable",
    message: `no model host can be used: ${problems.map((p) => p.message).join("; ")}`,
  };
}

import type { ModelHealth } from "../ollama-health.js";

export type FallbackSetting = "auto" | "builtin" | "wait";

interface MetaAccess {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Set by the classify stage after every successful model call. */
const MODEL_OK_KEY = "model_last_ok_at";
/** Set whenever an Ollama server answered, even if the model was missing. */
const SERVER_REACHED_KEY = "ollama_reached_at";

/**
 * `auto`: a new user without Ollama still sees documents classified (by the built-in classifier); once this
 * installation has talked to an Ollama server, an outage means "wait for it", like `wait`.
 */
export function fallsBackToBuiltin(setting: FallbackSetting, meta: MetaAccess | undefined): boolean {
  if (setting !== "auto") return setting === "builtin";
  return meta?.get(MODEL_OK_KEY) === undefined && meta?.get(SERVER_REACHED_KEY) === undefined;
}

/** A server that answered like Ollama counts as reached, even when the model still has to be pulled. */
export function recordServerContact(meta: MetaAccess, health: ModelHealth, now: string): void {
  if (health.ok || health.problem === "model_missing") meta.set(SERVER_REACHED_KEY, now);
}

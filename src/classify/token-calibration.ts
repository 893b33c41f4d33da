import { z } from "zod";

/**
 * What Ollama's own count of a prompt (`prompt_eval_count`) says about docsort's estimate, per model: the factor by
 * which the server counted more than estimated. It only corrects the estimate upwards (≥ 1): the estimate is
 * conservative by design, so a lower count is no reason to send more text. A higher count raises the factor at
 * once; later counts that fit bring it back down slowly.
 */
export interface TokenCalibration {
  /** The factor to multiply this model's estimates by (1 when nothing was learned). */
  factor(model: string): number;
  /** Records one prompt's estimate and Ollama's count; returns the factor before and after. */
  observe(model: string, observation: TokenObservation): { before: number; after: number };
}

export interface TokenObservation {
  /** The uncalibrated estimate of the prompt that was sent. */
  estimated: number;
  /** Ollama's prompt_eval_count; when the prompt was cut, a guess above num_ctx (see learnFromCount). */
  counted: number;
}

/** Where the factors are kept: the store's meta table (`get`/`set` of strings), or memory. */
export interface KeyValue {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export const MAX_FACTOR = 4;
/** Share of the gap to a lower count that one observation closes. */
const DECAY = 0.1;

const stored = z.object({ factor: z.number().min(1).max(MAX_FACTOR), observations: z.number().int().min(0) });

/** The next factor after one observation (pure). */
export function nextFactor(current: number, observation: TokenObservation): number {
  if (observation.estimated <= 0 || observation.counted <= 0) return current;
  const observed = observation.counted / observation.estimated;
  const next = observed > current ? observed : current - (current - Math.max(1, observed)) * DECAY;
  return Math.min(MAX_FACTOR, Math.max(1, Math.round(next * 1000) / 1000));
}

/** Observations that leave the factor as it was are written out only this often (their count is for reference). */
const WRITE_EVERY = 100;

/**
 * Factors kept under `tokens.factor:<model>` in a key-value store, so they survive restarts. Each model's entry is
 * read once and kept in memory; it is written back when its factor changes and every WRITE_EVERY observations,
 * not for every prompt (a write per prompt was a database commit per document).
 */
export function createTokenCalibration(store: KeyValue | undefined = undefined): TokenCalibration {
  const memory = new Map<string, string>();
  const kv: KeyValue = store ?? {
    get: (key) => memory.get(key),
    set: (key, value) => memory.set(key, value),
  };
  const known = new Map<string, { factor: number; observations: number }>();
  const read = (model: string) => {
    let entry = known.get(model);
    if (!entry) {
      entry = parseStored(kv.get(keyOf(model)));
      known.set(model, entry);
    }
    return entry;
  };
  return {
    factor: (model) => read(model).factor,
    observe(model, observation) {
      const current = read(model);
      const before = current.factor;
      const after = nextFactor(before, observation);
      const next = { factor: after, observations: current.observations + 1 };
      known.set(model, next);
      if (after !== before || next.observations % WRITE_EVERY === 1)
        kv.set(keyOf(model), JSON.stringify(next));
      return { before, after };
    },
  };
}

function parseStored(raw: string | undefined): { factor: number; observations: number } {
  if (raw === undefined) return { factor: 1, observations: 0 };
  try {
    const parsed = stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { factor: 1, observations: 0 };
  } catch {
    return { factor: 1, observations: 0 };
  }
}

function keyOf(model: string): string {
  return `tokens.factor:${model}`;
}

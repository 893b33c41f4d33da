/**
 * Exponential backoff with full jitter: a random delay between 0 and base·2^(attempt-1), capped at max. A
 * Retry-After from the receiver is a lower bound.
 */
export function retryDelayMs(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, Math.min(options.retryAfterMs ?? 0, 24 * 3_600_000));
}

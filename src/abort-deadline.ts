/**
 * Runs `task` with a signal that aborts after `ms` milliseconds (reason: a `TimeoutError` DOMException, as
 * `AbortSignal.timeout` gives) or when `outer` aborts (reason: `outer`'s). The timer is cleared and the link to
 * `outer` removed when the task settles, so the task must consume everything the signal guards (a response
 * body included) before it resolves.
 *
 * Not `AbortSignal.any([outer, AbortSignal.timeout(ms)])`: on Node 20 a timeout signal inside `any` is held only
 * weakly, a garbage collection can take it before it fires, and then the deadline never comes
 * (https://github.com/nodejs/node/issues/57736).
 */
export async function withDeadline<T>(
  ms: number,
  outer: AbortSignal | undefined,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`the deadline of ${ms} ms passed`, "TimeoutError")),
    ms,
  );
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  try {
    return await task(controller.signal);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", forward);
  }
}

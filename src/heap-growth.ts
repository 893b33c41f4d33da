import v8 from "node:v8";

/**
 * How far V8's old generation may grow past what survived the last full garbage collection before it collects
 * again, in percent: 50 lets it grow to 1.5× the live data.
 *
 * Left alone, V8 picks a factor of up to 4× on a machine with a large heap limit (V8's MemoryController,
 * src/heap/heap-controller.cc), and the daemon's steady churn — every request to the model server allocates
 * objects that outlive a young-generation collection — piles up as dead objects in the old generation: a burst
 * of 5,000 documents grew the heap to 300 MB around 70 MB of live data (bench/PROFILE.md, "Memory"). At 1.5× a
 * full collection comes every few seconds of that churn and costs a few milliseconds of marking, most of it on
 * V8's background threads.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds the heap growth of this process from its next full collection on (V8 flag `--heap-growing-percent`,
 * read each time V8 sets the next collection limit). For the long-running daemon; a short command does not need it.
 */
export function boundHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent <= 0)
    throw new RangeError(`heap growth must be a positive integer percent, not ${percent}`);
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

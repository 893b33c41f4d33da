/**
 * `docsort show 1 | head`: once the reader has gone, a write to stdout fails with EPIPE. That is not an error of
 * the command — the reader has all it wanted — so the process ends at once, quietly, with exit code 0 (stderr
 * closing the same way ends it too). Other stream errors are left to the default handler.
 */
export function endQuietlyWhenOutputCloses(
  streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(0);
    });
  }
}

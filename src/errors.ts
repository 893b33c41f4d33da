/** Exit codes of the CLI: 0 ok, 1 the operation failed, 2 bad usage or bad input. */
export type ExitCode = 0 | 1 | 2;

/** An error meant for people: one clear sentence; the cause is shown with --verbose. */
export class DocsortError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DocsortError";
  }
}

/** Bad usage or bad input: a wrong flag, an unknown id, an invalid config. Exit code 2. */
export class UsageError extends DocsortError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.name = "UsageError";
  }
}

export class ConfigError extends UsageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

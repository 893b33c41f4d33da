import type { ModelConfig } from "../config/schema.js";

/**
 * unavailable: the server or the model is not there — documents wait, nothing fails.
 * transient: worth retrying (timeouts, 5xx, broken streams). fatal: retrying cannot help.
 * circuit_open: the server failed every recent request, so none is sent for a while — documents wait.
 * cancelled: docsort itself is stopping.
 */
export type ModelErrorKind = "unavailable" | "transient" | "fatal" | "circuit_open" | "cancelled";

export class ModelCallError extends Error {
  override readonly name = "ModelCallError";
  /** circuit_open: when the server may be asked again (ms since the epoch). */
  readonly retryAt: number | undefined;
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    options?: { cause?: unknown; retryAt?: number | undefined },
  ) {
    super(message, options);
    this.retryAt = options?.retryAt;
  }
}

/** The model answered twice without matching the schema. */
export class InvalidModelOutputError extends ModelCallError {
  constructor(
    message: string,
    readonly rawOutputs: string[],
  ) {
    super("fatal", message);
  }
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function toModelCallError(error: unknown, model: ModelConfig, cancelled: boolean): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (cancelled) return new ModelCallError("cancelled", "cancelled: docsort is stopping", { cause: error });
  const status = statusCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404 && /not found/i.test(message)) {
    return new ModelCallError(
      "unavailable",
      `model ${model.name} not found at ${model.host}: run "ollama pull ${model.name}"`,
      { cause: error },
    );
  }
  const unreachable = unreachableReason(error);
  if (unreachable) {
    return new ModelCallError(
      "unavailable",
      `Ollama is not reachable at ${model.host} (${unreachable}): start it with "ollama serve" or set OLLAMA_HOST`,
      { cause: error },
    );
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ModelCallError("transient", `the model did not answer within ${model.timeoutMs / 1000} s`, {
      cause: error,
    });
  }
  if (status === 400)
    return new ModelCallError("fatal", `Ollama refused the request: ${message}`, { cause: error });
  const prefix = status ? `Ollama answered ${status}` : "the model request failed";
  return new ModelCallError("transient", `${prefix}: ${message}`, { cause: error });
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { status_code?: unknown }).status_code;
  return typeof value === "number" ? value : undefined;
}

/** Why no connection could be made at all (as opposed to one that broke): then nothing is worth retrying soon. */
function unreachableReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return code;
    if (message === "bad port") return "a port fetch refuses to use";
    if (message === "Invalid URL" || code === "ERR_INVALID_URL") return "not a valid URL";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

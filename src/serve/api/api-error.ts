import type { z } from "zod";
import { formatIssues } from "../../config/format-issues.js";

/** Every error the API returns has one of these codes; a new code is an addition, never a rename. */
export const ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "csrf_failed",
  "forbidden_origin",
  "bad_host",
  "not_found",
  "conflict",
  "unsupported_media_type",
  "payload_too_large",
  "page_unavailable",
  "file_unavailable",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorIssue {
  path: string;
  message: string;
}

/** The body of every error response: `{ "error": { "code", "message", "issues"? } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 421 | 500;

/** An error with its HTTP status and stable code; the message is one sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    };
  }
}

export function notFound(message: string): ApiError {
  return new ApiError(404, "not_found", message);
}

/** A zod failure on one part of the request (query, path, JSON body) as a 400 that names every bad field. */
export function invalidInput(where: string, issues: readonly z.core.$ZodIssue[], input: unknown): ApiError {
  const lines = formatIssues(issues, input);
  return new ApiError(
    400,
    "bad_request",
    `invalid ${where}: ${lines.join("; ")}`,
    issues.map((issue, index) => ({
      path: issue.path.map(String).join("."),
      message: lines[index] ?? issue.message,
    })),
  );
}

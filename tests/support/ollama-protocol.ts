/**
 * Wire pieces shared by the two loopback Ollama servers of the tests (the scripted one and the llama.cpp one):
 * request parsing, JSON/NDJSON/text replies and Ollama's naming rules. The protocol is described in
 * /work/shared/ollama-api.md (measured against ChatOllama and ollama-js).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const JSON_TYPE = "application/json; charset=utf-8";
export const NDJSON_TYPE = "application/x-ndjson";
export const TEXT_TYPE = "text/plain; charset=utf-8";
/** What /api/version reports unless a test asks for another version. */
export const DEFAULT_VERSION = "0.12.3";
const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

export interface ChatMessage {
  role: string;
  content: string;
  [key: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "llama3.2" -> "llama3.2:latest"; a name that already has a tag is kept. */
export function normalizeModelName(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? name : `${name}:latest`;
}

/** A stable fake digest (64 hex digits) for a model name. */
export function digestOf(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

/** Go-style duration ("10m", "1h30m", "45s") or a number of seconds -> milliseconds; negative = forever. */
export function keepAliveMs(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_KEEP_ALIVE_MS;
  if (typeof value === "number") return value * 1000;
  if (/^-?[\d.]+$/.test(value.trim())) return Number(value) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const match of value.matchAll(/(-?[\d.]+)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (units[match[2] ?? "s"] ?? 1000);
  }
  return total;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** The parsed body, or the reason it is not a JSON object (Ollama answers that with a 400). */
export function parseJsonObject(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : "request body must be a JSON object";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `messages` of a chat request; content that is not a string becomes "". */
export function toMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((m) => ({
    ...m,
    role: typeof m.role === "string" ? m.role : "",
    content: typeof m.content === "string" ? m.content : "",
  }));
}

export function toKeepAlive(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, { "content-type": TEXT_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

export function sendNotFound(res: ServerResponse): void {
  sendText(res, 404, "404 page not found");
}

/** Errors before any output: a plain HTTP status with `{"error": message}`. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

/** Ollama's answer to a chat request for a model it does not have. */
export function modelNotFound(name: string): string {
  return `model ${JSON.stringify(name)} not found, try pulling it first`;
}

/**
 * GET/HEAD `/`, `/api/version`, `/api/tags` and `/api/ps`; false for any other path. The bodies come from the
 * caller, so each server describes its own models.
 */
export function answerGet(
  res: ServerResponse,
  path: string,
  head: boolean,
  bodies: { version: string; tags: () => unknown[]; ps: () => unknown[] },
): boolean {
  const send = (value: unknown): void => {
    if (head) {
      res.writeHead(200, { "content-type": JSON_TYPE });
      res.end();
    } else {
      sendJson(res, 200, value);
    }
  };
  switch (path) {
    case "/":
      sendText(res, 200, "Ollama is running", head);
      return true;
    case "/api/version":
      send({ version: bodies.version });
      return true;
    case "/api/tags":
      send({ models: bodies.tags() });
      return true;
    case "/api/ps":
      send({ models: bodies.ps() });
      return true;
    default:
      return false;
  }
}

/** Ollama's answer to POST /api/show for a model it does not have. */
export function showNotFound(name: string): string {
  return `model '${name}' not found`;
}

/** The model named by a POST /api/show body (`model`, or the older `name`), or "" when there is none. */
export function showRequestModel(body: Record<string, unknown>): string {
  if (typeof body.model === "string") return body.model;
  return typeof body.name === "string" ? body.name : "";
}

/** A route handler's unexpected failure: a 500 before any output, otherwise the connection is cut. */
export function onRouteFailure(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (!res.headersSent && !res.destroyed) sendError(res, 500, `test server failure: ${message}`);
  else res.destroy();
}

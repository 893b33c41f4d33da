import { OpenAPIHono } from "@hono/zod-openapi";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { Store } from "../../store/store.js";
import type { ServeEnv } from "../auth/guards.js";
import { type ErrorStatus, invalidInput, notFound } from "./api-error.js";
import { errorSchema } from "./schemas.js";

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "bad input: the message and `issues` name every field that is wrong",
  401: "not signed in: no session cookie and no bearer token",
  403: "a state change without a valid CSRF token, or from another site",
  404: "no such thing",
  409: "the current state does not allow it (the message says why)",
  413: "the request body is too large",
  415: "the body is not JSON",
  421: "wrong Host header",
  500: "an unexpected failure",
};

/** The error responses a route can give, each with the one error shape. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    [...new Set<ErrorStatus>([400, 401, ...statuses])].map((status) => [
      status,
      { description: DESCRIPTIONS[status], content: { "application/json": { schema: errorSchema } } },
    ]),
  );
}

/** An API router whose validation failures become 400s in the one error shape. */
export function apiRouter(): OpenAPIHono<ServeEnv> {
  return new OpenAPIHono<ServeEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const input = "data" in result ? result.data : undefined;
      throw invalidInput(TARGETS[result.target] ?? result.target, result.error.issues, input);
    },
  });
}

const TARGETS: Record<string, string> = { query: "query", param: "path", json: "JSON body", form: "form" };

export function requireDocument(store: Store, id: number): DocumentRecord {
  const document = store.documents.get(id);
  if (!document) throw notFound(`there is no document #${id}`);
  return document;
}

export function json<T>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body; without `required`, no body at all reads as {}. */
export function jsonBody<T>(schema: T, required: boolean) {
  return { required, content: { "application/json": { schema } } };
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import { requireAccess, type ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { ApiError } from "./api-error.js";
import { documentsApi } from "./documents-api.js";
import { apiRouter } from "./route-kit.js";
import { statusApi } from "./status-api.js";
import { workflowApi } from "./workflow-api.js";

const PUBLIC = new Set(["/api/v1/health", "/api/v1/openapi.json"]);

/**
 * API v1, mounted at /api/v1: every route needs a session or the bearer token except health and the OpenAPI
 * document, which is generated from the routes' zod schemas (OpenAPI 3.1).
 */
export function apiV1(ctx: ServeContext, closing: AbortSignal): OpenAPIHono<ServeEnv> {
  const api = apiRouter();
  const needAccess = requireAccess();
  api.use(async (c, next) => (PUBLIC.has(c.req.path) ? next() : needAccess(c, next)));
  api.route("/", documentsApi(ctx));
  api.route("/", workflowApi(ctx));
  api.route("/", statusApi(ctx, closing));
  api.openAPIRegistry.registerComponent("securitySchemes", "token", {
    type: "http",
    scheme: "bearer",
    description: "the token docsort serve prints (docsort token --show); needs no CSRF token",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: ctx.cookieName,
    description: "the browser session set by /login; state changes also need the X-CSRF-Token header",
  });
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "docsort API",
      version: `1 (docsort ${ctx.version})`,
      description:
        "Version 1 of docsort's local HTTP API. Additions keep v1; a breaking change becomes /api/v2. Every error is { error: { code, message, issues? } } with a stable code.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ token: [] }, { session: [] }],
  });
  api.all("*", (c) => {
    throw new ApiError(404, "not_found", `there is no API route ${c.req.method} ${c.req.path}`);
  });
  return api;
}

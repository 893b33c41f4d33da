import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ServeSession } from "../../store/serve-sessions-repo.js";
import { ApiError } from "../api/api-error.js";
import { readAccessToken, secretsMatch } from "./access-token.js";
import type { Sessions } from "./sessions.js";

/** How a request proved it may look: a browser session (cookie), the token itself (Authorization: Bearer), or not. */
export type Access = { kind: "session"; session: ServeSession } | { kind: "bearer" } | { kind: "none" };

export interface ServeEnv {
  Variables: { access: Access };
}

export interface GuardOptions {
  home: string;
  sessions: Sessions;
  cookieName: string;
  /** Host headers accepted (host:port); undefined accepts any (a non-loopback address was chosen). */
  allowedHosts: ReadonlySet<string> | undefined;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

/**
 * DNS rebinding defence: a page on another site that points its own host name at 127.0.0.1 reaches this port
 * with its own name in the Host header, so on loopback only our own host names are served.
 */
export function hostGuard(options: GuardOptions): MiddlewareHandler<ServeEnv> {
  return createMiddleware<ServeEnv>(async (c, next) => {
    const host = c.req.header("host")?.toLowerCase();
    if (options.allowedHosts && (!host || !options.allowedHosts.has(host))) {
      throw new ApiError(
        421,
        "bad_host",
        `this server answers only to ${[...options.allowedHosts].join(", ")}`,
      );
    }
    await next();
  });
}

/** Works out who is asking; refuses nothing by itself. */
export function identify(options: GuardOptions): MiddlewareHandler<ServeEnv> {
  return createMiddleware<ServeEnv>(async (c, next) => {
    c.set("access", accessOf(c, options));
    await next();
  });
}

function accessOf(c: Context, options: GuardOptions): Access {
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = readAccessToken(options.home);
    return match?.[1] && token && secretsMatch(match[1], token) ? { kind: "bearer" } : { kind: "none" };
  }
  const session = options.sessions.find(getCookie(c, options.cookieName));
  return session ? { kind: "session", session } : { kind: "none" };
}

/** API routes: 401 without a session or the token. */
export function requireAccess(): MiddlewareHandler<ServeEnv> {
  return createMiddleware<ServeEnv>(async (c, next) => {
    if (c.get("access").kind === "none") {
      throw new ApiError(
        401,
        "unauthorized",
        "sign in: open the URL docsort serve printed, or send Authorization: Bearer <token> (docsort token --show)",
      );
    }
    await next();
  });
}

/**
 * Cross-site request forgery: every state change made with a browser session carries the session's CSRF token
 * (X-CSRF-Token header or a _csrf form field), and, when the browser says where it comes from, comes from here.
 * Requests with the bearer token need neither: browsers never add that header on their own.
 */
export function csrfGuard(): MiddlewareHandler<ServeEnv> {
  return createMiddleware<ServeEnv>(async (c, next) => {
    const access = c.get("access");
    if (!UNSAFE_METHODS.has(c.req.method) || access.kind === "bearer") return next();
    checkOrigin(c);
    if (access.kind === "session") {
      const given = c.req.header(CSRF_HEADER) ?? (await formField(c, CSRF_FIELD));
      if (!given || !secretsMatch(given, access.session.csrfToken)) {
        throw new ApiError(
          403,
          "csrf_failed",
          "the request has no valid CSRF token; reload the page and try again",
        );
      }
    }
    await next();
  });
}

function checkOrigin(c: Context): void {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const host = c.req.header("host");
  const foreignOrigin = origin !== undefined && origin !== "null" && origin !== `http://${host}`;
  if (
    (site !== undefined && site !== "same-origin" && site !== "none") ||
    foreignOrigin ||
    origin === "null"
  ) {
    throw new ApiError(403, "forbidden_origin", "changes are accepted only from docsort's own pages");
  }
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data"))
    return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === "string" ? value : undefined;
}

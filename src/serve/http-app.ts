import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { UsageError } from "../errors.js";
import { ApiError, type ErrorStatus } from "./api/api-error.js";
import { apiV1 } from "./api/api-v1.js";
import { type AssetNames, buildAssets } from "./assets/assets.js";
import { csrfGuard, hostGuard, identify, type ServeEnv } from "./auth/guards.js";
import { loginRoutes } from "./auth/login-routes.js";
import { requestBodyLimit } from "./body-limit.js";
import { plainPage } from "./pages/layout.js";
import { pageRoutes } from "./pages/page-routes.js";
import type { ServeContext } from "./serve-context.js";

export interface HttpAppOptions {
  /** Host headers served (host:port); undefined serves any (bound to a non-loopback address). */
  allowedHosts: ReadonlySet<string> | undefined;
  /** Aborted when the server stops: ends the live streams. */
  closing: AbortSignal;
}

const MAX_BODY_BYTES = 256 * 1024;

/**
 * The review app: API v1 under /api/v1 (OpenAPI at /api/v1/openapi.json), the pages, sign-in, and two static
 * assets. Every response carries a strict Content-Security-Policy: scripts, styles, images and connections only
 * from this origin, no inline script or style, no framing, forms only to this origin.
 */
export function createHttpApp(ctx: ServeContext, options: HttpAppOptions): Hono<ServeEnv> {
  const assets = buildAssets();
  const app = new Hono<ServeEnv>();
  const guard = {
    home: ctx.config.home,
    sessions: ctx.sessions,
    cookieName: ctx.cookieName,
    allowedHosts: options.allowedHosts,
  };

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: false,
      referrerPolicy: "same-origin",
      xFrameOptions: "DENY",
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
  });
  app.use(
    requestBodyLimit({
      maxSize: MAX_BODY_BYTES,
      // Answered here, with the connection closed: the rest of the body is never read.
      onError: (c) =>
        c.json(
          new ApiError(
            413,
            "payload_too_large",
            `request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB`,
          ).body(),
          413,
          { connection: "close" },
        ),
    }),
  );
  app.use(hostGuard(guard), identify(guard), csrfGuard());

  app.get("/assets/:name", (c) => {
    const asset = assets.byName.get(c.req.param("name"));
    if (!asset) throw new ApiError(404, "not_found", "there is no such asset");
    return c.body(asset.body, 200, {
      "content-type": asset.type,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });

  app.route(
    "/",
    loginRoutes({
      home: ctx.config.home,
      sessions: ctx.sessions,
      cookieName: ctx.cookieName,
      assets: assets.names,
    }),
  );

  app.route("/api/v1", apiV1(ctx, options.closing));

  app.route("/", pageRoutes(ctx, assets.names));

  app.notFound((c) =>
    respondError(c, new ApiError(404, "not_found", `there is nothing at ${c.req.path}`), assets.names),
  );
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status === 500)
      ctx.logger.error(
        `${c.req.method} ${c.req.path} failed: ${error instanceof Error && error.stack ? error.stack : String(error)}`,
      );
    return respondError(c, apiError, assets.names);
  });
  return app;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UsageError) return new ApiError(409, "conflict", error.message);
  if (error instanceof HTTPException) {
    if (error.status === 415)
      return new ApiError(415, "unsupported_media_type", "send the body as application/json");
    if (error.status === 413) return new ApiError(413, "payload_too_large", error.message);
    if (error.status < 500) return new ApiError(400, "bad_request", error.message || "bad request");
  }
  return new ApiError(500, "internal", "something went wrong; the log has the details");
}

function respondError(c: Context<ServeEnv>, error: ApiError, assets: AssetNames) {
  const status = error.status satisfies ErrorStatus;
  if (c.req.path.startsWith("/api/") || !(c.req.header("accept") ?? "").includes("text/html")) {
    return c.json(error.body(), status);
  }
  const body = html`<h1>${status === 404 ? "Not found" : "That did not work"}</h1>
    <p>${error.message}</p><p><a href="/review">Back to the review queue</a></p>`;
  return c.html(plainPage("Error", assets, body), status);
}

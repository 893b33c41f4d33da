import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import type { AssetNames } from "../assets/assets.js";
import { plainPage } from "../pages/layout.js";
import { readAccessToken, secretsMatch } from "./access-token.js";
import type { ServeEnv } from "./guards.js";
import type { Sessions } from "./sessions.js";

export interface LoginOptions {
  home: string;
  sessions: Sessions;
  cookieName: string;
  assets: AssetNames;
}

/**
 * Signing in with the token docsort serve prints: /login?token=… (the printed URL) or the form at /login. The
 * session cookie is HttpOnly and SameSite=Strict. The page that sets it moves on with a meta refresh rather than a
 * redirect, so the first request that carries the cookie comes from this site even when the URL was opened from
 * another one (a Strict cookie is not sent on a cross-site redirect chain).
 */
export function loginRoutes(options: LoginOptions): Hono<ServeEnv> {
  const routes = new Hono<ServeEnv>();

  const form = (c: Context<ServeEnv>, message: string | undefined, status: 200 | 401) =>
    c.html(
      plainPage(
        "Sign in",
        options.assets,
        html`<h1>docsort</h1>
        ${message ? html`<p class="notice error" role="alert">${message}</p>` : ""}
        <p>Open the URL <code>docsort serve</code> printed, or paste its token (<code>docsort token --show</code> prints it).</p>
        <form method="post" action="/login"><input name="token" type="password" autocomplete="current-password" aria-label="token" required autofocus><button type="submit" class="primary">Sign in</button></form>`,
      ),
      status,
    );

  const signIn = (c: Context<ServeEnv>, token: string | undefined) => {
    const expected = readAccessToken(options.home);
    if (!token || !expected || !secretsMatch(token, expected)) {
      return form(c, "That token is not valid (it may have been rotated with docsort token).", 401);
    }
    const { cookieValue } = options.sessions.create();
    setCookie(c, options.cookieName, cookieValue, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: options.sessions.maxAgeSeconds,
    });
    return c.html(
      plainPage(
        "Signed in",
        options.assets,
        html`<h1>Signed in</h1><p><a href="/review">Continue to the review queue</a></p>`,
        "/review",
      ),
    );
  };

  routes.get("/login", (c) => {
    const token = c.req.query("token");
    if (token !== undefined) return signIn(c, token);
    if (c.get("access").kind === "session") return c.redirect("/review", 303);
    return form(c, undefined, 200);
  });

  routes.post("/login", async (c) => {
    const body = await c.req.parseBody();
    return signIn(c, typeof body.token === "string" ? body.token.trim() : undefined);
  });

  routes.post("/logout", (c) => {
    const access = c.get("access");
    if (access.kind === "session") options.sessions.end(access.session);
    deleteCookie(c, options.cookieName, { path: "/" });
    return c.redirect("/login", 303);
  });

  return routes;
}

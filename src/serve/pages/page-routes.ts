import { Hono } from "hono";
import type { AssetNames } from "../assets/assets.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { browseRoutes } from "./browse-routes.js";
import { ledgerRoutes } from "./ledger-routes.js";
import { createPageKit } from "./page-kit.js";
import { reviewRoutes } from "./review-routes.js";

const SIGNED_IN_ONLY = ["/", "/review", "/review/*", "/invoices", "/invoices/*", "/documents/*", "/search"];

/**
 * The server-rendered pages and the forms they send (post/redirect/get). Every decision goes through
 * ServeContext.operations, the same functions the API and the CLI use. Without a session: the sign-in page.
 */
export function pageRoutes(ctx: ServeContext, assets: AssetNames): Hono<ServeEnv> {
  const pages = new Hono<ServeEnv>();
  for (const path of SIGNED_IN_ONLY) {
    pages.use(path, async (c, next) => {
      if (c.get("access").kind !== "session") return c.redirect("/login", 303);
      await next();
    });
  }
  const kit = createPageKit(ctx, assets);
  pages.get("/", (c) => c.redirect("/review", 303));
  pages.route("/", reviewRoutes(ctx, kit));
  pages.route("/", ledgerRoutes(ctx, kit));
  pages.route("/", browseRoutes(ctx, kit));
  return pages;
}

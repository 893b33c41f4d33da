import type { Context } from "hono";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { listReviewQueue } from "../../review/review-queue.js";
import type { ServeSession, SessionState } from "../../store/serve-sessions-repo.js";
import { ApiError } from "../api/api-error.js";
import type { AssetNames } from "../assets/assets.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { type Html, layout, type Section } from "./layout.js";

type PageContext = Context<ServeEnv>;

/** What every page route needs: rendering in the frame, and running a form's action (post/redirect/get). */
export interface PageKit {
  render(c: PageContext, section: Section, title: string, body: Html): Response | Promise<Response>;
  /**
   * Runs a form's action, keeps its outcome (or the reason it was refused) to show once on the next page, and
   * redirects there with 303.
   */
  act(
    c: PageContext,
    to: string | ((state: SessionState) => string),
    action: (state: SessionState) => string,
  ): Response;
}

export function createPageKit(ctx: ServeContext, assets: AssetNames): PageKit {
  return {
    render(c, section, title, body) {
      const session = sessionOf(c);
      const notice = session.state.notice;
      if (notice) ctx.sessions.saveState(session, { ...session.state, notice: null });
      const frame = {
        title,
        section,
        csrfToken: session.csrfToken,
        notice,
        reviewCount: listReviewQueue(ctx.store, ctx.config).length,
        byStatus: ctx.store.documents.countByStatus(),
        assets,
      };
      return c.html(layout(frame, body));
    },
    act(c, to, action) {
      const session = sessionOf(c);
      const state: SessionState = { ...session.state };
      try {
        state.notice = { text: action(state), error: false };
      } catch (error) {
        if (!(error instanceof UsageError || error instanceof ApiError)) throw error;
        state.notice = { text: error.message, error: true };
      }
      ctx.sessions.saveState(session, state);
      return c.redirect(typeof to === "string" ? to : to(state), 303);
    },
  };
}

export function sessionOf(c: PageContext): ServeSession {
  const access = c.get("access");
  if (access.kind !== "session") throw new ApiError(401, "unauthorized", "sign in first");
  return access.session;
}

export const idText = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/)
  .transform(Number);

/** The :id of a page's path; anything but a positive whole number is a page that does not exist. */
export function pathId(c: PageContext): number {
  const parsed = idText.safeParse(c.req.param("id"));
  if (!parsed.success) throw new ApiError(404, "not_found", "there is no such page");
  return parsed.data;
}

/** A session keeps its newest decisions and skips, not an ever-growing list. */
const REMEMBERED = 200;
export function remember(list: readonly number[], id: number): number[] {
  return [...list, id].slice(-REMEMBERED);
}

export function runsNote(runs: number): string {
  return runs === 0 ? "" : `; ${runs} handler run${runs === 1 ? "" : "s"} started`;
}

import { Hono } from "hono";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { buildReviewCard } from "../../review/review-card.js";
import { listReviewQueue } from "../../review/review-queue.js";
import { ApiError } from "../api/api-error.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { idText, type PageKit, pathId, remember, runsNote, sessionOf } from "./page-kit.js";
import { reviewPage } from "./review-page.js";

const QUEUE_SHOWN = 100;
const reviewQuery = z.object({ doc: idText.optional(), page: idText.optional() });

/** The review queue page and its forms: accept, set, skip, undo — each through ServeContext.operations. */
export function reviewRoutes(ctx: ServeContext, kit: PageKit): Hono<ServeEnv> {
  const routes = new Hono<ServeEnv>();
  const { store } = ctx;
  const setCategoryForm = z.object({ category: z.enum(ctx.categories) });

  routes.get("/review", (c) => {
    const query = reviewQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError(400, "bad_request", "the review page takes ?doc=ID and ?page=N");
    const session = sessionOf(c);
    const queue = listReviewQueue(store, ctx.config);
    const skipped = new Set(session.state.skipped);
    const item =
      queue.find((i) => i.document.id === query.data.doc) ?? queue.find((i) => !skipped.has(i.document.id));
    const card = item ? buildReviewCard(store, item, ctx.builtin) : undefined;
    const pageImages = item ? ctx.images.count(item.document) : 0;
    const body = reviewPage({
      card,
      text: item ? (store.extractions.latest(item.document.id)?.text ?? "") : "",
      pageImages,
      page: Math.min(Math.max(1, query.data.page ?? 1), Math.max(1, pageImages)),
      categories: ctx.categories,
      csrfToken: session.csrfToken,
      canUndo: session.state.decided.length > 0,
      queue: queue.slice(0, QUEUE_SHOWN).map((i) => ({
        id: i.document.id,
        name: i.document.name,
        category: i.classification?.category ?? null,
        confidence: i.classification?.confidence ?? null,
        priority: i.priority,
      })),
      skipped: queue.filter((i) => skipped.has(i.document.id)).length,
    });
    return kit.render(c, "review", card ? `Review #${card.id}` : "Review", body);
  });

  routes.post("/review/:id/accept", (c) => {
    const documentId = pathId(c);
    return kit.act(c, "/review", (state) => {
      const report = ctx.operations.accept(documentId, {});
      if (report.changed) state.decided = remember(state.decided, documentId);
      return `✔ #${documentId} accepted as ${report.category}${runsNote(report.runs)}`;
    });
  });

  routes.post("/review/:id/set", async (c) => {
    const documentId = pathId(c);
    const form = setCategoryForm.safeParse(await c.req.parseBody());
    return kit.act(c, "/review", (state) => {
      if (!form.success) throw new UsageError(`choose one of ${ctx.categories.join(", ")}`);
      const report = ctx.operations.setCategory(documentId, form.data.category, {});
      if (report.changed) state.decided = remember(state.decided, documentId);
      return `✔ #${documentId} set to ${report.category}${runsNote(report.runs)}`;
    });
  });

  routes.post("/review/:id/skip", (c) => {
    const documentId = pathId(c);
    return kit.act(c, "/review", (state) => {
      state.skipped = remember(
        state.skipped.filter((s) => s !== documentId),
        documentId,
      );
      return `#${documentId} skipped for now`;
    });
  });

  routes.post("/review/unskip", (c) =>
    kit.act(c, "/review", (state) => {
      state.skipped = [];
      return "skipped documents are back in the queue";
    }),
  );

  routes.post("/review/undo", (c) => {
    let undone: number | undefined;
    return kit.act(
      c,
      () => (undone === undefined ? "/review" : `/review?doc=${undone}`),
      (state) => {
        const last = state.decided.at(-1);
        if (last === undefined) throw new UsageError("there is no decision of yours to undo");
        const outcome = ctx.operations.undo(last, {});
        state.decided = state.decided.slice(0, -1);
        state.skipped = state.skipped.filter((s) => s !== last);
        undone = last;
        return `↶ #${last} undone: back to ${outcome.restored.category} (${outcome.restored.source})`;
      },
    );
  });

  return routes;
}

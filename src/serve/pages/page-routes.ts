import { type Context, Hono } from "hono";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { documentDetails } from "../../review/document-details.js";
import { buildReviewCard } from "../../review/review-card.js";
import { listReviewQueue } from "../../review/review-queue.js";
import { searchDocuments } from "../../search/search-documents.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { INVOICE_STATUSES } from "../../store/invoice-columns.js";
import type { ServeSession, SessionState } from "../../store/serve-sessions-repo.js";
import { ApiError } from "../api/api-error.js";
import { invoiceView } from "../api/invoice-view.js";
import type { AssetNames } from "../assets/assets.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { documentPage } from "./document-page.js";
import { invoiceListPage, invoicePage } from "./invoice-pages.js";
import { type Html, layout, type Section } from "./layout.js";
import { reviewPage } from "./review-page.js";
import { searchPage } from "./search-page.js";

const QUEUE_SHOWN = 100;
const SEARCH_PAGE = 20;
const id = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/)
  .transform(Number);
const reviewQuery = z.object({ doc: id.optional(), page: id.optional() });
const searchForm = z.object({
  q: z.string().max(500).default(""),
  category: z.string().max(100).default(""),
  status: z.union([z.enum(DOCUMENT_STATUSES), z.literal("")]).default(""),
  from: z.union([z.iso.date(), z.literal("")]).default(""),
  to: z.union([z.iso.date(), z.literal("")]).default(""),
  vendor: z.string().max(200).default(""),
  offset: z.coerce.number().int().min(0).default(0),
});
const rejectForm = z.object({ reason: z.string().trim().min(1, "say why").max(1000) });

/**
 * The server-rendered pages and the forms they send. Forms post here and are redirected back (post/redirect/get);
 * every decision goes through ServeContext.operations, the same functions the API and the CLI use.
 */
export function pageRoutes(ctx: ServeContext, assets: AssetNames): Hono<ServeEnv> {
  const pages = new Hono<ServeEnv>();
  const { store } = ctx;
  const setCategoryForm = z.object({ category: z.enum(ctx.categories) });

  for (const prefix of ["/", "/review", "/review/*", "/invoices", "/invoices/*", "/documents/*", "/search"]) {
    pages.use(prefix, async (c, next) => {
      if (c.get("access").kind !== "session") return c.redirect("/login", 303);
      await next();
    });
  }

  const render = (
    c: Context<ServeEnv>,
    section: Section,
    title: string,
    body: Html,
    status: 200 | 404 = 200,
  ) => {
    const session = sessionOf(c);
    const notice = session.state.notice;
    if (notice) ctx.sessions.saveState(session, { ...session.state, notice: null });
    const frame = {
      title,
      section,
      csrfToken: session.csrfToken,
      notice,
      reviewCount: listReviewQueue(store, ctx.config).length,
      byStatus: store.documents.countByStatus(),
      assets,
    };
    return c.html(layout(frame, body), status);
  };

  /** Runs a form's action, keeps its outcome (or its error) for the next page, and redirects there. */
  const act = (
    c: Context<ServeEnv>,
    to: string | ((state: SessionState) => string),
    action: (state: SessionState) => string,
  ) => {
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
  };

  pages.get("/", (c) => c.redirect("/review", 303));

  pages.get("/review", (c) => {
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
    return render(c, "review", card ? `Review #${card.id}` : "Review", body);
  });

  pages.post("/review/:id/accept", (c) => {
    const documentId = pathId(c);
    return act(c, "/review", (state) => {
      const report = ctx.operations.accept(documentId, {});
      if (report.changed) state.decided = remember(state.decided, documentId);
      return `✔ #${documentId} accepted as ${report.category}${runsNote(report.runs)}`;
    });
  });

  pages.post("/review/:id/set", async (c) => {
    const documentId = pathId(c);
    const form = setCategoryForm.safeParse(await c.req.parseBody());
    return act(c, "/review", (state) => {
      if (!form.success) throw new UsageError(`choose one of ${ctx.categories.join(", ")}`);
      const report = ctx.operations.setCategory(documentId, form.data.category, {});
      if (report.changed) state.decided = remember(state.decided, documentId);
      return `✔ #${documentId} set to ${report.category}${runsNote(report.runs)}`;
    });
  });

  pages.post("/review/:id/skip", (c) => {
    const documentId = pathId(c);
    return act(c, "/review", (state) => {
      state.skipped = remember(
        state.skipped.filter((s) => s !== documentId),
        documentId,
      );
      return `#${documentId} skipped for now`;
    });
  });

  pages.post("/review/unskip", (c) =>
    act(c, "/review", (state) => {
      state.skipped = [];
      return "skipped documents are back in the queue";
    }),
  );

  pages.post("/review/undo", (c) => {
    let undone: number | undefined;
    return act(
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

  pages.get("/invoices", (c) => {
    const status = z
      .enum(INVOICE_STATUSES)
      .optional()
      .safeParse(c.req.query("status") || undefined);
    const filter = status.success ? status.data : undefined;
    const invoices = store.invoices.list({ status: filter }).map(invoiceView);
    return render(c, "invoices", "Invoices", invoiceListPage(invoices, filter));
  });

  pages.get("/invoices/:id", (c) => {
    const invoiceId = pathId(c);
    const invoice = store.invoices.get(invoiceId);
    if (!invoice) throw new ApiError(404, "not_found", `there is no invoice #${invoiceId}`);
    const document = store.documents.get(invoice.documentId);
    const runs = store.handlerRuns
      .forDocument(invoice.documentId)
      .filter((r) => r.trigger !== "document.classified");
    const body = invoicePage(
      invoiceView(invoice),
      runs,
      document ? ctx.images.count(document) : 0,
      document?.name ?? "",
      sessionOf(c).csrfToken,
    );
    return render(c, "invoices", `Invoice #${invoice.id}`, body);
  });

  pages.post("/invoices/:id/approve", (c) => {
    const invoiceId = pathId(c);
    return act(c, `/invoices/${invoiceId}`, () => {
      const { runs } = ctx.operations.approveInvoice(invoiceId, undefined);
      return `✔ invoice #${invoiceId} approved${runsNote(runs.length)}`;
    });
  });

  pages.post("/invoices/:id/reject", async (c) => {
    const invoiceId = pathId(c);
    const form = rejectForm.safeParse(await c.req.parseBody());
    return act(c, `/invoices/${invoiceId}`, () => {
      if (!form.success) throw new UsageError("say why the invoice is rejected");
      ctx.operations.rejectInvoice(invoiceId, form.data.reason, undefined);
      return `invoice #${invoiceId} rejected: ${form.data.reason}`;
    });
  });

  pages.get("/documents/:id", (c) => {
    const documentId = pathId(c);
    const document = store.documents.get(documentId);
    if (!document) throw new ApiError(404, "not_found", `there is no document #${documentId}`);
    const text = store.extractions.latest(documentId)?.text ?? "";
    const body = documentPage(documentDetails(store, document), text, ctx.images.count(document));
    return render(c, "documents", `#${document.id} ${document.name}`, body);
  });

  pages.get("/search", (c) => {
    const parsed = searchForm.safeParse(c.req.query());
    if (!parsed.success)
      throw new ApiError(
        400,
        "bad_request",
        "a search takes words, a category, a status, dates (YYYY-MM-DD) and a vendor",
      );
    const { offset, ...form } = parsed.data;
    const result = searchDocuments(store, {
      query: form.q,
      category: form.category || undefined,
      status: form.status || undefined,
      from: form.from || undefined,
      to: form.to || undefined,
      vendor: form.vendor || undefined,
      limit: SEARCH_PAGE,
      offset,
    });
    return render(
      c,
      "search",
      form.q ? `Search: ${form.q}` : "Search",
      searchPage(form, result, ctx.categories),
    );
  });

  return pages;
}

function sessionOf(c: Context<ServeEnv>): ServeSession {
  const access = c.get("access");
  if (access.kind !== "session") throw new ApiError(401, "unauthorized", "sign in first");
  return access.session;
}

function pathId(c: Context<ServeEnv>): number {
  const parsed = z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/)
    .transform(Number)
    .safeParse(c.req.param("id"));
  if (!parsed.success) throw new ApiError(404, "not_found", "there is no such page");
  return parsed.data;
}

/** A session keeps its newest decisions and skips, not an ever-growing list. */
const REMEMBERED = 200;
function remember(list: readonly number[], id: number): number[] {
  return [...list, id].slice(-REMEMBERED);
}

function runsNote(runs: number): string {
  return runs === 0 ? "" : `; ${runs} handler run${runs === 1 ? "" : "s"} started`;
}

import { Hono } from "hono";
import { z } from "zod";
import { documentDetails } from "../../review/document-details.js";
import { searchDocuments } from "../../search/search-documents.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { ApiError } from "../api/api-error.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { documentPage } from "./document-page.js";
import { type PageKit, pathId } from "./page-kit.js";
import { searchPage } from "./search-page.js";

const SEARCH_PAGE = 20;
const searchForm = z.object({
  q: z.string().max(500).default(""),
  category: z.string().max(100).default(""),
  status: z.union([z.enum(DOCUMENT_STATUSES), z.literal("")]).default(""),
  from: z.union([z.iso.date(), z.literal("")]).default(""),
  to: z.union([z.iso.date(), z.literal("")]).default(""),
  vendor: z.string().max(200).default(""),
  offset: z.coerce.number().int().min(0).default(0),
});

/** One document with its history, and the search page. */
export function browseRoutes(ctx: ServeContext, kit: PageKit): Hono<ServeEnv> {
  const routes = new Hono<ServeEnv>();
  const { store } = ctx;

  routes.get("/documents/:id", (c) => {
    const documentId = pathId(c);
    const document = store.documents.get(documentId);
    if (!document) throw new ApiError(404, "not_found", `there is no document #${documentId}`);
    const text = store.extractions.latest(documentId)?.text ?? "";
    const body = documentPage(documentDetails(store, document), text, ctx.images.count(document));
    return kit.render(c, "documents", `#${document.id} ${document.name}`, body);
  });

  routes.get("/search", (c) => {
    const parsed = searchForm.safeParse(c.req.query());
    if (!parsed.success) {
      throw new ApiError(
        400,
        "bad_request",
        "a search takes words, a category, a status, dates (YYYY-MM-DD) and a vendor",
      );
    }
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
    const title = form.q ? `Search: ${form.q}` : "Search";
    return kit.render(c, "search", title, searchPage(form, result, ctx.categories));
  });

  return routes;
}

import { createRoute, z } from "@hono/zod-openapi";
import { MIME_BY_KIND } from "../../extract/kinds.js";
import { documentDetails } from "../../review/document-details.js";
import { searchDocuments } from "../../search/search-documents.js";
import type { ServeContext } from "../serve-context.js";
import { notFound } from "./api-error.js";
import { invoiceView } from "./invoice-view.js";
import { apiRouter, errorResponses, json, jsonBody, requireDocument } from "./route-kit.js";
import {
  classificationSchema,
  decisionBody,
  decisionSchema,
  documentDetailsSchema,
  documentPageSchema,
  documentParams,
  documentsQuery,
  documentTextSchema,
  pageParams,
  setCategoryBody,
  undoSchema,
} from "./schemas.js";

const tags = ["documents"];
const binary = (types: string[], description: string) => ({
  description,
  content: Object.fromEntries(
    types.map((t) => [t, { schema: { type: "string" as const, format: "binary" } }]),
  ),
});

/** Documents: list and search, one document, its text, page images and original; decisions on it. */
export function documentsApi(ctx: ServeContext) {
  const { store } = ctx;
  const api = apiRouter();

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents",
      tags,
      summary: "List documents, newest first, or search their text (q), with filters and paging",
      request: { query: documentsQuery },
      responses: { 200: json(documentPageSchema, "a page of documents"), ...errorResponses() },
    }),
    (c) => {
      const { q, ...rest } = c.req.valid("query");
      return c.json(searchDocuments(store, { query: q, ...rest }), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents/{id}",
      tags,
      summary: "One document: extraction, classification history, events, related documents, runs, invoice",
      request: { params: documentParams },
      responses: { 200: json(documentDetailsSchema, "the document"), ...errorResponses(404) },
    }),
    (c) => {
      const document = requireDocument(store, c.req.valid("param").id);
      const details = documentDetails(store, document);
      return c.json(
        {
          ...details,
          invoice: details.invoice ? invoiceView(details.invoice) : null,
          pageImages: ctx.images.count(document),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents/{id}/text",
      tags,
      summary: "The whole extracted text",
      request: { params: documentParams },
      responses: { 200: json(documentTextSchema, "the text docsort read"), ...errorResponses(404) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      requireDocument(store, id);
      const extraction = store.extractions.latest(id);
      if (!extraction) throw notFound(`document #${id} has no extracted text`);
      return c.json(
        {
          documentId: id,
          text: extraction.text,
          chars: extraction.chars,
          method: extraction.method,
          pages: extraction.pages,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents/{id}/classifications",
      tags,
      summary: "The classification history, oldest first (the last one is current)",
      request: { params: documentParams },
      responses: { 200: json(z.array(classificationSchema), "every classification"), ...errorResponses(404) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      requireDocument(store, id);
      return c.json(store.classifications.history(id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents/{id}/pages/{page}",
      tags,
      summary: "A page as an image (PDF pages rendered, scans upright and scaled); page numbers start at 1",
      request: { params: pageParams },
      responses: {
        200: binary(["image/png", "image/webp", "image/gif", "image/bmp"], "the page"),
        ...errorResponses(404, 500),
      },
    }),
    async (c) => {
      const { id, page } = c.req.valid("param");
      const image = await ctx.images.get(id, page);
      return c.body(new Uint8Array(image.bytes), 200, {
        "content-type": image.mime,
        "cache-control": "private, max-age=3600",
      });
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/documents/{id}/file",
      tags,
      summary: "The original file, as a download, while it is unchanged",
      request: { params: documentParams },
      responses: { 200: binary(["application/octet-stream"], "the file's bytes"), ...errorResponses(404) },
    }),
    async (c) => {
      const document = requireDocument(store, c.req.valid("param").id);
      const bytes = await ctx.images.readOriginal(document);
      return c.body(new Uint8Array(bytes), 200, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(document.name)}`,
        "x-docsort-type": (document.kind && MIME_BY_KIND[document.kind]) || "application/octet-stream",
        "content-security-policy": "sandbox",
      });
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/documents/{id}/accept",
      tags: ["decisions"],
      summary: "Confirm the current category; a document waiting for review is routed to its handlers once",
      request: { params: documentParams, body: jsonBody(decisionBody, false) },
      responses: { 200: json(decisionSchema, "the decision"), ...errorResponses(403, 404, 409, 415) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      requireDocument(store, id);
      return c.json(ctx.operations.accept(id, c.req.valid("json")), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/documents/{id}/category",
      tags: ["decisions"],
      summary: "Set the category a person chose; a change is routed to the new category's handlers once",
      request: { params: documentParams, body: jsonBody(setCategoryBody(ctx.categories), true) },
      responses: { 200: json(decisionSchema, "the decision"), ...errorResponses(403, 404, 409, 415) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      requireDocument(store, id);
      const { category, ...input } = c.req.valid("json");
      return c.json(ctx.operations.setCategory(id, category, input), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/documents/{id}/undo",
      tags: ["decisions"],
      summary: "Undo the newest human decision: restores the classification before it, back to review",
      request: { params: documentParams, body: jsonBody(decisionBody, false) },
      responses: { 200: json(undoSchema, "what was undone"), ...errorResponses(403, 404, 409, 415) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      requireDocument(store, id);
      const outcome = ctx.operations.undo(id, c.req.valid("json"));
      return c.json(
        {
          id: outcome.document.id,
          status: outcome.document.status,
          undoneClassificationId: outcome.undone.id,
          restored: outcome.restored,
        },
        200,
      );
    },
  );

  return api;
}

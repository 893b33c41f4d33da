import { createRoute, z } from "@hono/zod-openapi";
import { FailedChecksError } from "../../invoices/approval.js";
import { buildReviewCard } from "../../review/review-card.js";
import { listReviewQueue } from "../../review/review-queue.js";
import type { ServeContext } from "../serve-context.js";
import { ApiError, notFound } from "./api-error.js";
import { invoiceView } from "./invoice-view.js";
import { apiRouter, errorResponses, json, jsonBody } from "./route-kit.js";
import {
  approvalSchema,
  approveBody,
  documentParams,
  invoiceDetailsSchema,
  invoiceSchema,
  invoicesQuery,
  rejectBody,
  reviewQueueSchema,
  runSchema,
  runsQuery,
  wholeNumber,
} from "./schemas.js";

const reviewQuery = z.strictObject({
  limit: wholeNumber(1, 500).default(100).openapi({ description: "1–500, default 100" }),
});

/** The review queue, the invoice ledger and the outbox's handler runs. */
export function workflowApi(ctx: ServeContext) {
  const { store } = ctx;
  const api = apiRouter();

  api.openapi(
    createRoute({
      method: "get",
      path: "/review",
      tags: ["review"],
      summary:
        "Documents waiting for a person, in review order, each with alternatives and similar documents",
      request: { query: reviewQuery },
      responses: { 200: json(reviewQueueSchema, "the review queue"), ...errorResponses() },
    }),
    (c) => {
      const queue = listReviewQueue(store, ctx.config);
      const items = queue
        .slice(0, c.req.valid("query").limit)
        .map((item) => buildReviewCard(store, item, ctx.builtin));
      return c.json({ items, total: queue.length }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/invoices",
      tags: ["invoices"],
      summary: "The invoice ledger, oldest first",
      request: { query: invoicesQuery },
      responses: { 200: json(z.array(invoiceSchema), "invoices"), ...errorResponses() },
    }),
    (c) => c.json(store.invoices.list(c.req.valid("query")).map(invoiceView), 200),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/invoices/{id}",
      tags: ["invoices"],
      summary: "An invoice: every field with the quote it came from, the checks, and its handler runs",
      request: { params: documentParams },
      responses: { 200: json(invoiceDetailsSchema, "the invoice"), ...errorResponses(404) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      const invoice = store.invoices.get(id);
      if (!invoice) throw notFound(`there is no invoice #${id}`);
      const runs = store.handlerRuns
        .forDocument(invoice.documentId)
        .filter((r) => r.trigger !== "document.classified");
      return c.json({ invoice: invoiceView(invoice), runs }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/invoices/{id}/approve",
      tags: ["invoices"],
      summary: "Approve: the handlers on invoice.approved are queued once and run at once",
      request: { params: documentParams, body: jsonBody(approveBody, false) },
      responses: {
        200: json(approvalSchema, "the approved invoice and the runs it queued"),
        ...errorResponses(403, 404, 409, 415),
      },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      if (!store.invoices.get(id)) throw notFound(`there is no invoice #${id}`);
      const { by, force } = c.req.valid("json");
      try {
        const { invoice, runs } = ctx.operations.approveInvoice(id, by, force === true);
        return c.json({ invoice: invoiceView(invoice), runs }, 200);
      } catch (error) {
        if (error instanceof FailedChecksError)
          throw new ApiError(409, "conflict", `${error.message}; send {"force": true} to approve it anyway`);
        throw error;
      }
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/invoices/{id}/reject",
      tags: ["invoices"],
      summary: "Reject, with the reason",
      request: { params: documentParams, body: jsonBody(rejectBody, true) },
      responses: { 200: json(invoiceSchema, "the rejected invoice"), ...errorResponses(403, 404, 409, 415) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      if (!store.invoices.get(id)) throw notFound(`there is no invoice #${id}`);
      const { reason, by } = c.req.valid("json");
      return c.json(invoiceView(ctx.operations.rejectInvoice(id, reason, by)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/runs",
      tags: ["handler runs"],
      summary: "Handler runs in the outbox, newest first, with their last error",
      request: { query: runsQuery },
      responses: { 200: json(z.array(runSchema), "runs"), ...errorResponses() },
    }),
    (c) => {
      const { status, document, limit } = c.req.valid("query");
      return c.json(store.handlerRuns.list({ status, documentId: document, limit }), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/runs/{id}/retry",
      tags: ["handler runs"],
      summary: "Re-queue a failed or dead run with fresh attempts and run it at once",
      request: { params: documentParams },
      responses: { 200: json(runSchema, "the run, re-queued"), ...errorResponses(403, 404, 409) },
    }),
    (c) => {
      const { id } = c.req.valid("param");
      if (!store.handlerRuns.get(id)) throw notFound(`there is no handler run #${id}`);
      return c.json(ctx.operations.retryRun(id), 200);
    },
  );

  return api;
}

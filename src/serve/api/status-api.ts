import { createRoute } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { listReviewQueue } from "../../review/review-queue.js";
import { searchDocuments } from "../../search/search-documents.js";
import { readStats } from "../../store/stats-view.js";
import type { LiveSnapshot } from "../live/change-feed.js";
import type { ServeContext } from "../serve-context.js";
import { apiRouter, errorResponses, json } from "./route-kit.js";
import { documentPageSchema, healthSchema, searchQuery, statsSchema } from "./schemas.js";

const KEEPALIVE_MS = 15_000;

/** Search, stats, the live feed, and health. */
export function statusApi(ctx: ServeContext, closing: AbortSignal) {
  const { store } = ctx;
  const api = apiRouter();

  api.openapi(
    createRoute({
      method: "get",
      path: "/search",
      tags: ["search"],
      summary: "Full-text search over every document's extracted text (FTS5), best first, with snippets",
      description:
        'Every word must occur and matches as a prefix; a word with punctuation (HR-2025-0417) or a "quoted phrase" matches as a phrase; OR between two words accepts either. Filters narrow the result.',
      request: { query: searchQuery },
      responses: { 200: json(documentPageSchema, "matching documents"), ...errorResponses() },
    }),
    (c) => {
      const { q, ...rest } = c.req.valid("query");
      return c.json(searchDocuments(store, { query: q, ...rest }), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/stats",
      tags: ["status"],
      summary: "Counts: documents by status, category and source; invoices; handler runs; the review queue",
      responses: { 200: json(statsSchema, "the counts"), ...errorResponses() },
    }),
    (c) => c.json({ ...readStats(store.db), reviewQueue: listReviewQueue(store, ctx.config).length }, 200),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["status"],
      summary: "Whether the server and its database answer (no sign-in needed)",
      responses: { 200: json(healthSchema, "all is well") },
    }),
    (c) =>
      c.json(
        {
          status: "ok" as const,
          version: ctx.version,
          schemaVersion: Number(store.db.pragma("user_version", { simple: true })),
          time: new Date().toISOString(),
        },
        200,
      ),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/live",
      tags: ["status"],
      summary: "Server-sent events: a `snapshot` at once, then a `change` whenever a document changes",
      description:
        "Each message's data is JSON: lastEventId, byStatus (document counts), reviewQueue (documents waiting), events (what just happened). Changes made by any docsort process (the watcher, the CLI) are seen within a second.",
      responses: {
        200: {
          description: "an event stream",
          content: { "text/event-stream": { schema: { type: "string" as const } } },
        },
        ...errorResponses(),
      },
    }),
    (c) =>
      streamSSE(c, async (stream) => {
        const send = (event: string, snapshot: LiveSnapshot) =>
          stream.writeSSE({ event, id: String(snapshot.lastEventId), data: JSON.stringify(snapshot) });
        await send("snapshot", ctx.feed.snapshot());
        const unsubscribe = ctx.feed.subscribe((snapshot) => void send("change", snapshot));
        const keepalive = setInterval(() => void stream.write(": keepalive\n\n"), KEEPALIVE_MS);
        try {
          await new Promise<void>((resolve) => {
            stream.onAbort(resolve);
            if (closing.aborted) resolve();
            closing.addEventListener("abort", () => resolve(), { once: true });
          });
        } finally {
          clearInterval(keepalive);
          unsubscribe();
        }
      }),
  );

  return api;
}

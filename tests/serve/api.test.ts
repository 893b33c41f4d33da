import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  approvalSchema,
  classificationSchema,
  decisionSchema,
  documentDetailsSchema,
  documentPageSchema,
  documentTextSchema,
  errorSchema,
  healthSchema,
  invoiceDetailsSchema,
  invoiceSchema,
  reviewQueueSchema,
  runSchema,
  statsSchema,
  undoSchema,
} from "../../src/serve/api/schemas.js";
import { nowIso } from "../../src/store/clock.js";
import type { DocumentRecord } from "../../src/store/documents-repo.js";
import type { InvoiceRecord, NewInvoice } from "../../src/store/invoices-repo.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { addDocument } from "../review/fixtures.js";
import { minimalPdf } from "../support/minimal-pdf.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { type ServeFixture, startServeFixture } from "./serve-fixture.js";

let fx: ServeFixture;
let hooks: WebhookReceiver;
const docs: Record<string, DocumentRecord> = {};
let invoiceId = 0;

const TAXI = "Stadt-Taxi Kessel\nQuittung\nFahrpreis EUR 23,40\nVielen Dank und gute Fahrt";

async function body<T>(response: Response, schema: z.ZodType<T>, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const parsed = await body(response, errorSchema, status);
  expect(parsed.error.code).toBe(code);
  return parsed.error.message;
}

/** A request exactly as written: no URL normalisation, any Host header. */
function raw(pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: fx.server.port, path: pathname, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Bytes written to the server as they are (a request no HTTP client library would send), and its answer. */
function rawExchange(request: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: fx.server.port }, () => socket.end(request));
    let text = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", rest = ""] = text.split("\r\n\r\n", 2);
      const body = /transfer-encoding: chunked/i.test(head)
        ? rest
            .split("\r\n")
            .filter((_, index) => index % 2 === 1)
            .join("")
        : rest;
      resolve({ head, body });
    });
  });
}

/** An invoice in the ledger: ACME's 119.00 awaiting approval, with `changes` on top. */
function addInvoice(documentId: number, changes: Partial<NewInvoice>): InvoiceRecord {
  return fx.store.invoices.insert(
    {
      documentId,
      status: "awaiting_approval",
      documentType: "invoice",
      vendor: "ACME GmbH",
      vendorKey: "acme",
      vendorVatId: null,
      invoiceNumber: "17",
      numberKey: "17",
      invoiceDate: "2025-03-12",
      dueDate: null,
      currency: "EUR",
      subtotalMinor: 10000,
      taxMinor: 1900,
      totalMinor: 11900,
      iban: null,
      purchaseOrder: null,
      lineItems: [],
      fields: { total: { raw: "119.00", quote: "total 119.00", value: 119, notes: [] } },
      checks: [{ name: "totals_add_up", status: "passed", message: "100.00 + 19.00 = 119.00" }],
      duplicateOf: null,
      duplicateReason: null,
      archivePath: null,
      extraction: {},
      ...changes,
    },
    nowIso(),
  );
}

const postJson = (value: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

beforeAll(async () => {
  fx = await startServeFixture();
  hooks = await startWebhookReceiver();
  const now = nowIso();
  fx.store.handlers.add(
    {
      name: "taxi-hook",
      kind: "webhook",
      config: { url: hooks.url },
      trigger: "document.classified",
      categories: ["receipt"],
      minConfidence: 0,
      enabled: true,
    },
    now,
  );
  fx.store.handlers.add(
    {
      name: "accounting",
      kind: "webhook",
      config: { url: hooks.url },
      trigger: "invoice.approved",
      categories: ["*"],
      minConfidence: 0,
      enabled: true,
    },
    now,
  );
  docs.taxi = addDocument(fx.store, { name: "taxi.txt", text: TAXI, category: "receipt", confidence: 0.45 });
  docs.memo = addDocument(fx.store, {
    name: "memo.txt",
    text: "Memo: canteen closed Friday",
    category: "letter",
    confidence: 0.4,
  });
  docs.scan = fx.addFile(
    "scan.pdf",
    minimalPdf(["INVOICE HR-2025-0417", "ACME GmbH", "Total due: 119.00 EUR"]),
    "pdf",
    "INVOICE HR-2025-0417\nACME GmbH\nTotal due: 119.00 EUR",
    1,
  );
  docs.invoice = addDocument(fx.store, {
    name: "acme.txt",
    text: "ACME GmbH invoice 17 total 119.00",
    category: "invoice",
    confidence: 0.95,
    status: "done",
  });
  invoiceId = addInvoice(docs.invoice.id, {}).id;
}, 60_000);

afterAll(async () => {
  await fx?.close();
  await hooks?.close();
});

describe("API v1: sign-in", () => {
  it("answers every route but health and the OpenAPI document with 401 without a session or the token", async () => {
    const openapi = (await (await fx.anonymous("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(openapi.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path: p.replace(/\{[^}]+\}/g, "1"),
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { method, path } of operations) {
      const response = await fx.anonymous(`/api/v1${path}`, { method });
      if (path === "/health") {
        expect(response.status).toBe(200);
        await response.text();
        continue;
      }
      expect(response.status, `${method} ${path}`).toBe(401);
      await expectError(response, 401, "unauthorized");
    }
  });

  it("refuses a wrong bearer token and a made-up session cookie", async () => {
    await expectError(
      await fx.anonymous("/api/v1/stats", { headers: { authorization: "Bearer nope" } }),
      401,
      "unauthorized",
    );
    const cookie = `docsort_session_${fx.server.port}=forged`;
    await expectError(await fx.anonymous("/api/v1/stats", { headers: { cookie } }), 401, "unauthorized");
  });

  it("serves health and the OpenAPI document without sign-in", async () => {
    const health = await body(await fx.anonymous("/api/v1/health"), healthSchema);
    expect(health.schemaVersion).toBe(MIGRATIONS.at(-1)?.version);
    const openapi = (await (await fx.anonymous("/api/v1/openapi.json")).json()) as {
      openapi: string;
      components: { schemas: Record<string, unknown> };
    };
    expect(openapi.openapi).toBe("3.1.0");
    expect(Object.keys(openapi.components.schemas)).toEqual(
      expect.arrayContaining(["Document", "Invoice", "Decision", "Error", "ReviewCard", "HandlerRun"]),
    );
  });
});

describe("API v1: documents", () => {
  it("lists documents newest first, with filters and paging", async () => {
    const all = await body(await fx.api("/api/v1/documents"), documentPageSchema);
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.id)).toEqual(
      [docs.invoice, docs.scan, docs.memo, docs.taxi].map((d) => d?.id),
    );
    const page = await body(await fx.api("/api/v1/documents?limit=2&offset=2"), documentPageSchema);
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.items.map((i) => i.id)).toEqual([docs.memo?.id, docs.taxi?.id]);
    const receipts = await body(
      await fx.api("/api/v1/documents?category=receipt&status=needs_review"),
      documentPageSchema,
    );
    expect(receipts.items.map((i) => i.id)).toEqual([docs.taxi?.id]);
    const byVendor = await body(await fx.api("/api/v1/documents?vendor=acme"), documentPageSchema);
    expect(byVendor.items.map((i) => i.id)).toEqual([docs.invoice?.id]);
    const byText = await body(await fx.api("/api/v1/documents?q=canteen"), documentPageSchema);
    expect(byText.items.map((i) => i.id)).toEqual([docs.memo?.id]);
  });

  it.each([
    ["/api/v1/documents?limit=0", "limit"],
    ["/api/v1/documents?limit=1000", "limit"],
    ["/api/v1/documents?offset=-1", "offset"],
    ["/api/v1/documents?status=lost", "status"],
    ["/api/v1/documents?from=2025-13-01", "from"],
    ["/api/v1/documents?colour=red", ""],
    ["/api/v1/documents/abc", "id"],
    ["/api/v1/documents/0", "id"],
    ["/api/v1/documents/1.5/text", "id"],
    ["/api/v1/documents/1/pages/0", "page"],
    ["/api/v1/documents/1/pages/first", "page"],
    ["/api/v1/search", "q"],
    ["/api/v1/search?q=x&to=yesterday", "to"],
    ["/api/v1/review?limit=0", "limit"],
    ["/api/v1/invoices?status=paid", "status"],
    ["/api/v1/invoices/x", "id"],
    ["/api/v1/runs?status=lost", "status"],
    ["/api/v1/runs?document=abc", "document"],
  ])("GET %s is a 400 that names the field", async (url, field) => {
    const message = await expectError(await fx.api(url), 400, "bad_request");
    expect(message).toMatch(/^invalid (query|path)/);
    expect(message).toContain(field);
  });

  it("returns 404 with a reason for what does not exist", async () => {
    for (const url of [
      "/api/v1/documents/9999",
      "/api/v1/documents/9999/text",
      "/api/v1/documents/9999/classifications",
      "/api/v1/documents/9999/pages/1",
      "/api/v1/documents/9999/file",
      "/api/v1/invoices/9999",
      "/api/v1/nothing-here",
    ]) {
      await expectError(await fx.api(url), 404, "not_found");
    }
  });

  it("shows one document with its history, text and classifications", async () => {
    const details = await body(await fx.api(`/api/v1/documents/${docs.taxi?.id}`), documentDetailsSchema);
    expect(details.document.name).toBe("taxi.txt");
    expect(details.classifications.map((c) => c.category)).toEqual(["receipt"]);
    expect(details.pageImages).toBe(0);
    const text = await body(await fx.api(`/api/v1/documents/${docs.taxi?.id}/text`), documentTextSchema);
    expect(text.text).toBe(TAXI);
    const history = await body(
      await fx.api(`/api/v1/documents/${docs.taxi?.id}/classifications`),
      classificationSchema.array(),
    );
    expect(history).toHaveLength(1);
  });

  it("serves a PDF's page as a PNG, by id and page number only", async () => {
    const details = await body(await fx.api(`/api/v1/documents/${docs.scan?.id}`), documentDetailsSchema);
    expect(details.pageImages).toBe(1);
    const response = await fx.api(`/api/v1/documents/${docs.scan?.id}/pages/1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect(Math.max(png.width, png.height)).toBe(fx.app.config.serve.pageSide);
    await expectError(await fx.api(`/api/v1/documents/${docs.scan?.id}/pages/2`), 404, "page_unavailable");
    await expectError(await fx.api(`/api/v1/documents/${docs.taxi?.id}/pages/1`), 404, "page_unavailable");
  });

  it("serves the original file as a download while it is unchanged", async () => {
    const response = await fx.api(`/api/v1/documents/${docs.scan?.id}/file`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toContain("attachment");
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    await expectError(await fx.api(`/api/v1/documents/${docs.taxi?.id}/file`), 404, "file_unavailable");
  });

  it("refuses paths in the URL: nothing outside the database's documents is ever read", async () => {
    for (const pathname of [
      "/assets/../../../package.json",
      "/assets/..%2F..%2F..%2Fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/api/v1/documents/..%2F..%2Fetc%2Fpasswd/file",
      `/api/v1/documents/${docs.scan?.id}/pages/..%2F..%2F..%2Fetc%2Fpasswd`,
      "/api/v1/documents/%2e%2e/file",
      "/../../../../etc/passwd",
    ]) {
      const { status, body: text } = await raw(pathname, { authorization: `Bearer ${fx.token}` });
      expect([400, 404], pathname).toContain(status);
      expect(text).not.toContain('"name": "docsort"');
      expect(text).not.toContain("root:");
    }
  });
});

describe("API v1: decisions go through the same code paths as the CLI", () => {
  it("accept routes the document to its handlers once, however often it is sent", async () => {
    const id = docs.taxi?.id;
    const first = await body(
      await fx.api(`/api/v1/documents/${id}/accept`, postJson({ by: "alice", note: "fine" })),
      decisionSchema,
    );
    expect(first).toMatchObject({
      id,
      status: "done",
      category: "receipt",
      changed: true,
      routed: true,
      runs: 1,
    });
    const again = await body(
      await fx.api(`/api/v1/documents/${id}/accept`, { method: "POST" }),
      decisionSchema,
    );
    expect(again).toMatchObject({ changed: false, routed: false, runs: 0 });
    await fx.server.handlersIdle();
    expect(hooks.deliveries.filter((d) => JSON.parse(d.body).document?.id === id)).toHaveLength(1);
    const runs = await body(await fx.api(`/api/v1/runs?document=${id}`), runSchema.array());
    expect(runs.map((r) => [r.handlerName, r.status])).toEqual([["taxi-hook", "succeeded"]]);
    const human = fx.store.classifications.current(id ?? 0);
    expect(human).toMatchObject({ source: "human", actor: "alice", note: "fine" });
  });

  it("set changes the category; undo restores the one before and puts it back in review", async () => {
    const id = docs.memo?.id;
    const set = await body(
      await fx.api(`/api/v1/documents/${id}/category`, postJson({ category: "other" })),
      decisionSchema,
    );
    expect(set).toMatchObject({ category: "other", changed: true, status: "done" });
    const undone = await body(await fx.api(`/api/v1/documents/${id}/undo`, { method: "POST" }), undoSchema);
    expect(undone).toMatchObject({ id, status: "needs_review", restored: { category: "letter" } });
    await expectError(await fx.api(`/api/v1/documents/${id}/undo`, { method: "POST" }), 409, "conflict");
  });

  it.each([
    ["accept", { by: "" }, "by"],
    ["accept", { colour: "red" }, ""],
    ["category", {}, "category"],
    ["category", { category: "spaceship" }, "category"],
    ["category", { category: "other", note: "x".repeat(2000) }, "note"],
  ])("POST %s with %j is a 400 that names the field", async (action, value, field) => {
    const message = await expectError(
      await fx.api(`/api/v1/documents/${docs.memo?.id}/${action}`, postJson(value)),
      400,
      "bad_request",
    );
    expect(message).toContain(field);
  });

  it("refuses a body that is not JSON", async () => {
    const url = `/api/v1/documents/${docs.memo?.id}/category`;
    await expectError(
      await fx.api(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{category:",
      }),
      400,
      "bad_request",
    );
    await expectError(
      await fx.api(url, { method: "POST", headers: { "content-type": "text/plain" }, body: "other" }),
      415,
      "unsupported_media_type",
    );
    await expectError(
      await fx.api(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ note: "x".repeat(300_000) }),
      }),
      413,
      "payload_too_large",
    );
  });

  it("a POST that announces no length is read like any other: no body, a chunked body, a chunked body too large", async () => {
    const post = (id: number, headers: string[], payload?: string) =>
      rawExchange(
        [
          `POST /api/v1/documents/${id}/accept HTTP/1.1`,
          `Host: 127.0.0.1:${fx.server.port}`,
          `Authorization: Bearer ${fx.token}`,
          "Connection: close",
          ...headers,
          "",
          payload ?? "",
        ].join("\r\n"),
      );
    const chunked = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`;
    const bare = addDocument(fx.store, {
      name: "no-length.txt",
      text: "a note",
      category: "other",
      confidence: 0.5,
    });
    const noBody = await post(bare.id, []);
    expect(noBody.head, noBody.body).toMatch(/^HTTP\/1\.1 200/);
    expect(decisionSchema.parse(JSON.parse(noBody.body)).status).toBe("done");

    const streamed = addDocument(fx.store, {
      name: "chunked.txt",
      text: "a memo",
      category: "other",
      confidence: 0.5,
    });
    const withBody = await post(
      streamed.id,
      ["Content-Type: application/json", "Transfer-Encoding: chunked"],
      chunked(JSON.stringify({ by: "curl" })),
    );
    expect(withBody.head, withBody.body).toMatch(/^HTTP\/1\.1 200/);

    const tooLarge = await post(
      streamed.id,
      ["Content-Type: application/json", "Transfer-Encoding: chunked"],
      chunked(JSON.stringify({ note: "x".repeat(300_000) })),
    );
    expect(tooLarge.head).toMatch(/^HTTP\/1\.1 413/);
    expect(errorSchema.parse(JSON.parse(tooLarge.body)).error.code).toBe("payload_too_large");
  });

  it("a document docsort is still working on cannot be decided: 409", async () => {
    const busy = addDocument(fx.store, { name: "busy.txt", text: "being read", status: "extracting" });
    const message = await expectError(
      await fx.api(`/api/v1/documents/${busy.id}/accept`, { method: "POST" }),
      409,
      "conflict",
    );
    expect(message).toContain("wait until docsort has finished");
  });
});

describe("API v1: review queue, invoices, runs, search, stats", () => {
  it("lists the review queue with the card of each document", async () => {
    const queue = await body(await fx.api("/api/v1/review"), reviewQueueSchema);
    expect(queue.items.map((c) => c.name)).toContain("memo.txt");
    expect(queue.total).toBe(queue.items.length);
    const limited = await body(await fx.api("/api/v1/review?limit=1"), reviewQueueSchema);
    expect(limited.items).toHaveLength(1);
  });

  it("approves an invoice once: one webhook delivery, and a second approval is a conflict", async () => {
    const listed = await body(
      await fx.api("/api/v1/invoices?status=awaiting_approval"),
      invoiceSchema.array(),
    );
    expect(listed.map((i) => i.id)).toEqual([invoiceId]);
    expect(listed[0]).toMatchObject({ total: "119.00", totalMinor: 11900 });
    const before = hooks.deliveries.length;
    const approved = await body(
      await fx.api(`/api/v1/invoices/${invoiceId}/approve`, postJson({ by: "bob" })),
      approvalSchema,
    );
    expect(approved.invoice).toMatchObject({ status: "approved", decidedBy: "bob" });
    expect(approved.runs.map((r) => r.handlerName)).toEqual(["accounting"]);
    await expectError(
      await fx.api(`/api/v1/invoices/${invoiceId}/approve`, { method: "POST" }),
      409,
      "conflict",
    );
    await fx.server.handlersIdle();
    const deliveries = hooks.deliveries.slice(before);
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0]?.body ?? "{}")).toMatchObject({
      event: "invoice.approved",
      invoice: { id: invoiceId },
    });
    const shown = await body(await fx.api(`/api/v1/invoices/${invoiceId}`), invoiceDetailsSchema);
    expect(shown.runs.map((r) => [r.handlerName, r.status])).toEqual([["accounting", "succeeded"]]);
  });

  it("an invoice whose checks failed is approved only with force, as the CLI needs --force", async () => {
    const document = addDocument(fx.store, {
      name: "odd-totals.txt",
      text: "Beta Ltd invoice 9 total 50.00",
      category: "invoice",
      confidence: 0.9,
      status: "done",
    });
    const odd = addInvoice(document.id, {
      status: "needs_attention",
      vendor: "Beta Ltd",
      vendorKey: "beta",
      invoiceNumber: "9",
      numberKey: "9",
      subtotalMinor: 4000,
      taxMinor: 500,
      totalMinor: 5000,
      fields: { total: { raw: "50.00", quote: "total 50.00", value: 50, notes: [] } },
      checks: [{ name: "totals_add_up", status: "failed", message: "40.00 + 5.00 ≠ 50.00" }],
    }).id;
    const message = await expectError(
      await fx.api(`/api/v1/invoices/${odd}/approve`, { method: "POST" }),
      409,
      "conflict",
    );
    expect(message).toContain("totals_add_up (40.00 + 5.00 ≠ 50.00)");
    expect(message).toContain('"force": true');
    expect(fx.store.invoices.get(odd)?.status).toBe("needs_attention");
    const approved = await body(
      await fx.api(`/api/v1/invoices/${odd}/approve`, postJson({ by: "bob", force: true })),
      approvalSchema,
    );
    expect(approved.invoice).toMatchObject({ status: "approved", decidedBy: "bob" });
    await fx.server.handlersIdle();
  });

  it("rejects only with a reason, and only what can be rejected", async () => {
    const message = await expectError(
      await fx.api(`/api/v1/invoices/${invoiceId}/reject`, postJson({ reason: " " })),
      400,
      "bad_request",
    );
    expect(message).toContain("reason");
    await expectError(
      await fx.api(`/api/v1/invoices/${invoiceId}/reject`, postJson({ reason: "sent twice" })),
      409,
      "conflict",
    );
    await expectError(await fx.api("/api/v1/invoices/9999/approve", { method: "POST" }), 404, "not_found");
  });

  it("retries a failed run, and refuses one that succeeded", async () => {
    const [succeeded] = await body(await fx.api("/api/v1/runs?status=succeeded&limit=1"), runSchema.array());
    await expectError(
      await fx.api(`/api/v1/runs/${succeeded?.id}/retry`, { method: "POST" }),
      409,
      "conflict",
    );
    await expectError(await fx.api("/api/v1/runs/9999/retry", { method: "POST" }), 404, "not_found");
    hooks.script(() => ({ status: 500, body: "down" }));
    const id = docs.scan?.id;
    await body(
      await fx.api(`/api/v1/documents/${id}/category`, postJson({ category: "receipt" })),
      decisionSchema,
    );
    await fx.server.handlersIdle();
    const [failed] = await body(await fx.api(`/api/v1/runs?document=${id}`), runSchema.array());
    expect(failed?.status).toBe("failed");
    hooks.script(() => ({ status: 200, body: "ok" }));
    const retried = await body(
      await fx.api(`/api/v1/runs/${failed?.id}/retry`, { method: "POST" }),
      runSchema,
    );
    expect(retried).toMatchObject({ id: failed?.id, status: "pending", attempts: 0 });
    await fx.server.handlersIdle();
    expect(fx.store.handlerRuns.get(failed?.id ?? 0)?.status).toBe("succeeded");
  });

  it("searches the text with snippets and filters", async () => {
    const found = await body(await fx.api("/api/v1/search?q=HR-2025-0417"), documentPageSchema);
    expect(found.items.map((i) => i.id)).toEqual([docs.scan?.id]);
    expect(found.items[0]?.snippet?.filter((p) => p.hit).map((p) => p.text.toLowerCase())).toEqual([
      "hr-2025-0417",
    ]);
    const none = await body(await fx.api("/api/v1/search?q=total&category=letter"), documentPageSchema);
    expect(none.total).toBe(0);
  });

  it("counts documents, invoices and runs", async () => {
    const stats = await body(await fx.api("/api/v1/stats"), statsSchema);
    const stored = Object.values(fx.store.documents.countByStatus()).reduce((sum, n) => sum + n, 0);
    expect(stored).toBeGreaterThanOrEqual(5);
    expect(stats.documents.total).toBe(stored);
    expect(stats.invoices.byStatus).toEqual({ approved: 2 });
    expect(stats.handlerRuns.total).toBeGreaterThanOrEqual(3);
    expect(stats.lastEventId).toBeGreaterThan(0);
  });

  it("streams a snapshot, then a change when another process changes a document", async () => {
    const controller = new AbortController();
    const response = await fx.api("/api/v1/live", { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let received = "";
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${received}`);
        const chunk = await reader?.read();
        if (!chunk || chunk.done) throw new Error("the stream ended");
        received += decoder.decode(chunk.value);
      }
    };
    await until(/event: snapshot\ndata: \{.*"reviewQueue":\d+/);
    addDocument(fx.store, { name: "late.txt", text: "arrived later", category: "letter", confidence: 0.3 });
    fx.store.transition(docs.memo?.id ?? 0, { to: "needs_review", reason: "poked by the test" });
    await until(/event: change\ndata: \{[^\n]*"poked by the test"/);
    controller.abort();
  });
});

describe("cross-site request forgery and foreign hosts", () => {
  it("a browser session needs the CSRF token for every change; the token alone needs none", async () => {
    const session = await fx.signIn();
    expect(session.csrf).toMatch(/^[\w-]{40,}$/);
    const url = `/api/v1/documents/${docs.memo?.id}/category`;
    const init = postJson({ category: "letter" });
    await expectError(await session.request(url, init), 403, "csrf_failed");
    await expectError(
      await session.request(url, { ...init, headers: { ...init.headers, "x-csrf-token": "forged" } }),
      403,
      "csrf_failed",
    );
    await expectError(
      await session.request(url, {
        ...init,
        headers: { ...init.headers, "x-csrf-token": session.csrf, origin: "http://evil.example" },
      }),
      403,
      "forbidden_origin",
    );
    await expectError(
      await session.request(url, {
        ...init,
        headers: { ...init.headers, "x-csrf-token": session.csrf, "sec-fetch-site": "cross-site" },
      }),
      403,
      "forbidden_origin",
    );
    const ok = await session.request(url, {
      ...init,
      headers: { ...init.headers, "x-csrf-token": session.csrf },
    });
    await body(ok, decisionSchema);
    const form = await session.request(`/review/${docs.memo?.id}/skip`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "_csrf=forged",
      redirect: "manual",
    });
    expect(form.status).toBe(403);
  });

  it("answers only to its own host names (DNS rebinding)", async () => {
    const authorization = `Bearer ${fx.token}`;
    const foreign = await raw("/api/v1/stats", { authorization, host: `attacker.example:${fx.server.port}` });
    expect(foreign.status).toBe(421);
    expect(JSON.parse(foreign.body)).toMatchObject({ error: { code: "bad_host" } });
    expect((await raw("/api/v1/stats", { authorization, host: `localhost:${fx.server.port}` })).status).toBe(
      200,
    );
  });

  it("sends a strict Content-Security-Policy and no-store with every page and API answer", async () => {
    const session = await fx.signIn();
    for (const response of [await fx.api("/api/v1/stats"), await session.request("/review")]) {
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      await response.text();
    }
  });

  it("sets the session cookie HttpOnly and SameSite=Strict", async () => {
    const login = await fx.anonymous(`/login?token=${encodeURIComponent(fx.token)}`);
    const cookie = login.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const wrong = await fx.anonymous("/login?token=wrong");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });
});

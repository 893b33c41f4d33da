import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../../src/handlers/handler-event.js";
import { HandlerFailure } from "../../../src/handlers/handler-kind.js";
import { retryAfterMs, webhookKind } from "../../../src/handlers/kinds/webhook.js";
import { liveEffects } from "../../../src/handlers/live-effects.js";
import { collectGarbageEvery } from "../../support/gc-pressure.js";
import {
  startWebhookReceiver,
  verifySignature,
  type WebhookReceiver,
} from "../../support/webhook-receiver.js";
import { addDocument, type Fixture, openFixture, services } from "../fixtures.js";
import { handlerContract } from "../handler-contract.js";

handlerContract(webhookKind, {
  config: () => ({ url: "http://127.0.0.1:9/never", secret: "0123456789abcdef" }),
  invalid: [
    [{ url: "ftp://x" }, "url"],
    [{ url: "https://user:password@accounting.example.com/hook" }, "url"],
    [{ url: "https://token@accounting.example.com/hook" }, "url"],
    [{ url: "http://x", secret: "short" }, "secret"],
    [{ url: "http://x", timeoutMs: 0 }, "timeoutMs"],
    [{ url: "http://x", secret: "0123456789abcdef", secretEnv: "S" }, "secretEnv"],
  ],
});

const SECRET = "a-secret-of-some-length";
let receiver: WebhookReceiver;
let fixture: Fixture;
beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.deliveries.length = 0;
  fixture?.cleanup();
  fixture = openFixture();
});

async function post(config: Record<string, unknown>) {
  const document =
    fixture.store.documents.get(1) ??
    addDocument(fixture, { name: "a.txt", text: "Invoice INV-1\nTotal 10.00", category: "invoice" });
  const event = buildEvent(fixture.store, {
    trigger: "invoice.approved",
    handler: "hook",
    documentId: document.id,
    invoiceId: null,
    classificationId: null,
    category: "invoice",
    deliveryId: "k".repeat(64),
    runId: 7,
    attempt: 2,
    redelivery: false,
    occurredAt: "2025-05-01T10:00:00.000Z",
  });
  return webhookKind.run({
    config: webhookKind.configSchema.parse({ url: receiver.url, secret: SECRET, ...config }),
    event,
    effects: liveEffects(fixture.store, "hook"),
    services: services(fixture),
    signal: new AbortController().signal,
  });
}

async function failure(config: Record<string, unknown> = {}): Promise<HandlerFailure> {
  try {
    await post(config);
  } catch (error) {
    if (error instanceof HandlerFailure) return error;
    throw error;
  }
  throw new Error("the webhook did not fail");
}

describe("webhook", () => {
  it("POSTs the documented payload with event, delivery, timestamp and a verifiable signature", async () => {
    const outcome = await post({ excerptChars: 7 });
    expect(outcome.summary).toMatch(/→ 200$/);
    const [delivery] = receiver.deliveries;
    expect(delivery?.validSignature).toBe(true);
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "x-docsort-event": "invoice.approved",
      "x-docsort-delivery": "k".repeat(64),
    });
    const timestamp = String(delivery?.headers["x-docsort-timestamp"]);
    expect(
      verifySignature(
        "wrong-secret-value",
        timestamp,
        delivery?.body ?? "",
        String(delivery?.headers["x-docsort-signature"]),
      ),
    ).toBe(false);
    expect(JSON.parse(delivery?.body ?? "{}")).toEqual({
      event: "invoice.approved",
      deliveryId: "k".repeat(64),
      occurredAt: "2025-05-01T10:00:00.000Z",
      handler: "hook",
      attempt: 2,
      redelivery: false,
      document: expect.objectContaining({ id: 1, fileName: "a.txt", category: "invoice", confidence: 0.9 }),
      invoice: null,
      excerpt: "Invoice",
      links: { document: "docsort show 1" },
    });
  });

  it("sends no signature without a secret, and extra headers when configured", async () => {
    const document = addDocument(fixture, { name: "b.txt", text: "x", category: "invoice" });
    const event = buildEvent(fixture.store, {
      trigger: "document.classified",
      handler: "hook",
      documentId: document.id,
      invoiceId: null,
      classificationId: null,
      category: "invoice",
      deliveryId: "z".repeat(64),
      runId: 1,
      attempt: 1,
      redelivery: false,
      occurredAt: "2025-05-01T10:00:00.000Z",
    });
    await webhookKind.run({
      config: webhookKind.configSchema.parse({ url: receiver.url, headers: { authorization: "Bearer t" } }),
      event,
      effects: liveEffects(fixture.store, "hook"),
      services: services(fixture),
      signal: new AbortController().signal,
    });
    expect(receiver.deliveries[0]?.headers["x-docsort-signature"]).toBeUndefined();
    expect(receiver.deliveries[0]?.headers.authorization).toBe("Bearer t");
  });

  it.each([
    [500, true],
    [502, true],
    [408, true],
    [429, true],
    [400, false],
    [404, false],
    [410, false],
  ])("answer %i: retried %s, with the response body recorded", async (status, retry) => {
    receiver.script(() => ({ status, body: `answer ${status}` }));
    const error = await failure();
    expect(error.retry).toBe(retry);
    expect(error.output).toBe(`answer ${status}`);
    receiver.script(() => ({ status: 200 }));
  });

  it("honours Retry-After (seconds or an HTTP date)", async () => {
    receiver.script(() => ({ status: 429, headers: { "retry-after": "120" } }));
    expect((await failure()).retryAfterMs).toBe(120_000);
    receiver.script(() => ({ status: 200 }));
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(
      60_000,
    );
    expect(retryAfterMs("soon")).toBeUndefined();
  });

  it("a refused connection and a receiver that does not answer in time are retried", async () => {
    const closed = await freePort();
    const refused = await failure({ url: `http://127.0.0.1:${closed}/x` });
    expect(refused.retry).toBe(true);
    expect(refused.message).toMatch(/ECONNREFUSED/);
    receiver.script(() => ({ status: 200 }));
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    const port = (silent.address() as { port: number }).port;
    const slow = await failure({ url: `http://127.0.0.1:${port}/x`, timeoutMs: 200 });
    expect(slow).toMatchObject({ retry: true });
    expect(slow.message).toContain("no answer within 200 ms");
    const stop = collectGarbageEvery(10);
    try {
      const outcome = await Promise.race([
        failure({ url: `http://127.0.0.1:${port}/x`, timeoutMs: 300 }),
        new Promise((resolve) => setTimeout(resolve, 30_000, "still waiting after 30 s")),
      ]);
      expect(outcome, "the deadline holds while the heap is collected").toMatchObject({ retry: true });
    } finally {
      stop();
    }
    silent.close();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

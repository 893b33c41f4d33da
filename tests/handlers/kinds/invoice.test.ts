import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadPromptTemplate } from "../../../src/classify/prompt-template.js";
import { buildEvent } from "../../../src/handlers/handler-event.js";
import { HandlerFailure, type HandlerServices } from "../../../src/handlers/handler-kind.js";
import { invoiceKind } from "../../../src/handlers/kinds/invoice.js";
import { liveEffects } from "../../../src/handlers/live-effects.js";
import { LlmInvoiceExtractor } from "../../../src/invoices/llm-invoice-extractor.js";
import { silentLogger } from "../../../src/log/logger.js";
import { nowIso } from "../../../src/store/clock.js";
import { type OllamaServer, startOllamaServer } from "../../support/ollama-server.js";
import { testConfig } from "../../support/test-config.js";
import { addDocument, type Fixture, openFixture } from "../fixtures.js";
import { handlerContract } from "../handler-contract.js";

let server: OllamaServer;
beforeAll(async () => {
  server = await startOllamaServer();
});
afterAll(() => server.close());

const field = (value: string | null) => ({ value, quote: value ?? "" });
const ACME = {
  document_type: "invoice",
  vendor: field("ACME Ltd"),
  vendor_vat_id: field("GB 123 4567 89"),
  invoice_number: field("INV-1"),
  invoice_date: field("01/02/2025"),
  due_date: field("15/02/2025"),
  currency: field("£"),
  subtotal: field("£100.00"),
  tax: field("£20.00"),
  total: field("£120.00"),
  iban: field(null),
  purchase_order: field("PO-77"),
  line_items: [{ description: "Widgets", quantity: "10", unit_price: "10.00", amount: "£100.00" }],
};

function servicesFor(fixture: Fixture, model: Record<string, unknown> = {}): HandlerServices {
  const config = testConfig(
    { model: { host: server.url, maxRetries: 0, ...model } },
    { home: path.join(fixture.dir, "home"), inbox: path.join(fixture.dir, "inbox") },
  );
  const extractor = new LlmInvoiceExtractor({
    model: config.model,
    prompt: loadPromptTemplate(config.prompts, "invoice"),
    numPredict: config.invoices.numPredict,
    retryDelayMs: 5,
  });
  return {
    store: fixture.store,
    config,
    logger: silentLogger,
    invoiceExtractor: () => Promise.resolve(extractor),
  };
}

handlerContract(invoiceKind, {
  config: () => ({ archive: true }),
  invalid: [[{ archive: "yes" }, "archive"]],
  servicesFor: (fixture) => {
    server.script(() => ({ kind: "json", value: ACME }));
    return servicesFor(fixture);
  },
});

let fixture: Fixture;
beforeEach(() => {
  server.reset();
  fixture = openFixture();
  fixture.store.handlers.add(
    {
      name: "attention",
      kind: "webhook",
      config: { url: "http://127.0.0.1:9/x" },
      trigger: "invoice.needs_attention",
      categories: ["*"],
      minConfidence: 0,
      enabled: true,
    },
    nowIso(),
  );
});
afterEach(() => fixture.cleanup());

async function runInvoice(name: string, text: string, model: Record<string, unknown> = {}) {
  const document = addDocument(fixture, { name, text, category: "invoice" });
  const event = buildEvent(fixture.store, {
    trigger: "document.classified",
    handler: "invoice-workflow",
    documentId: document.id,
    invoiceId: null,
    classificationId: null,
    category: "invoice",
    deliveryId: "i".repeat(64),
    runId: 1,
    attempt: 1,
    redelivery: false,
    occurredAt: nowIso(),
  });
  const outcome = await invoiceKind.run({
    config: invoiceKind.configSchema.parse({}),
    event,
    effects: liveEffects(fixture.store, "invoice-workflow"),
    services: servicesFor(fixture, model),
    signal: new AbortController().signal,
  });
  return { document, outcome };
}

describe("invoice", () => {
  it("reads the fields with the invoice prompt, normalises them, files an archive copy and records the invoice", async () => {
    server.script(() => ({ kind: "json", value: ACME }));
    const { document, outcome } = await runInvoice("acme.pdf", "ACME Ltd\nInvoice INV-1\nTotal £120.00");
    const invoice = fixture.store.invoices.forDocument(document.id);
    expect(invoice).toMatchObject({
      status: "awaiting_approval",
      vendor: "ACME Ltd",
      vendorKey: "acme",
      vendorVatId: "GB123456789",
      invoiceNumber: "INV-1",
      invoiceDate: "2025-02-01",
      dueDate: "2025-02-15",
      currency: "GBP",
      subtotalMinor: 10000,
      taxMinor: 2000,
      totalMinor: 12000,
      purchaseOrder: "PO-77",
    });
    expect(invoice?.lineItems[0]).toMatchObject({ description: "Widgets", amountMinor: 10000 });
    expect(invoice?.fields.invoice_date?.notes[0]).toMatch(/read day first \(GBP\)/);
    expect(outcome.summary).toMatch(
      /^invoice #1 awaiting_approval: ACME Ltd, INV-1, 2025-02-01, 120\.00 GBP$/,
    );
    const archive = path.join(
      fixture.dir,
      "home",
      "archive",
      "invoices",
      "ACME Ltd",
      "2025",
      "2025-02-01_INV-1.pdf",
    );
    expect(invoice?.archivePath).toBe(archive);
    expect(readFileSync(archive, "utf8")).toBe(readFileSync(document.path, "utf8"));

    const [request] = server.requests;
    expect(request?.options).toMatchObject({ num_ctx: 8192, temperature: 0, num_predict: 1536 });
    expect(request?.keep_alive).toBe("10m");
    expect(request?.messages.at(-1)?.content).toContain(
      "is an invoice (or a credit note): copy its key fields",
    );
    expect(request?.messages.at(-1)?.content).toMatch(
      /<document>\nFile name: [^\n]+\n\nACME Ltd\nInvoice INV-1/,
    );
    const format = request?.format as { properties?: object } | undefined;
    expect(Object.keys(format?.properties ?? {})).toContain("line_items");
  });

  it("a failed check sends the invoice to needs_attention and fires invoice.needs_attention in the same write", async () => {
    server.script(() => ({ kind: "json", value: { ...ACME, total: field("£130.00") } }));
    const { document } = await runInvoice("acme.pdf", "ACME Ltd\nInvoice INV-1\nTotal £130.00");
    const invoice = fixture.store.invoices.forDocument(document.id);
    expect(invoice?.status).toBe("needs_attention");
    const runs = fixture.store.handlerRuns.forDocument(document.id);
    expect(runs).toEqual([
      expect.objectContaining({
        handlerName: "attention",
        trigger: "invoice.needs_attention",
        invoiceId: invoice?.id,
      }),
    ]);
  });

  it("a second run for the same document changes nothing", async () => {
    server.script(() => ({ kind: "json", value: ACME }));
    const { document } = await runInvoice("acme.pdf", "ACME Ltd\nInvoice INV-1");
    const again = await invoiceKind.run({
      config: { archive: true },
      event: buildEvent(fixture.store, {
        trigger: "document.classified",
        handler: "invoice-workflow",
        documentId: document.id,
        invoiceId: null,
        classificationId: null,
        category: "invoice",
        deliveryId: "i".repeat(64),
        runId: 1,
        attempt: 2,
        redelivery: false,
        occurredAt: nowIso(),
      }),
      effects: liveEffects(fixture.store, "invoice-workflow"),
      services: servicesFor(fixture),
      signal: new AbortController().signal,
    });
    expect(again.summary).toMatch(/already in the ledger as invoice #1/);
    expect(server.requests).toHaveLength(1);
  });

  it("an answer that breaks the schema twice still reaches the ledger, every field missing", async () => {
    server.script(() => ({ kind: "text", content: "I think this is an invoice from ACME." }));
    const { document } = await runInvoice("acme.pdf", "ACME Ltd\nInvoice INV-1");
    const invoice = fixture.store.invoices.forDocument(document.id);
    expect(invoice?.status).toBe("needs_attention");
    expect(invoice?.checks[0]).toMatchObject({ name: "extraction", status: "failed" });
    expect(invoice?.checks.find((c) => c.name === "required_fields")?.message).toMatch(
      /missing: vendor, invoice_number/,
    );
    expect(server.requests).toHaveLength(2);
    expect(existsSync(invoice?.archivePath ?? "")).toBe(true);
  });

  it("while the model is not there the run fails and is retried later; nothing is recorded", async () => {
    server.setModels([]);
    await expect(runInvoice("acme.pdf", "ACME Ltd\nInvoice INV-1")).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof HandlerFailure && error.retry && error.waiting && /not found/.test(error.message),
    );
    expect(fixture.store.invoices.list()).toEqual([]);
    server.setModels(["llama3.2:latest"]);
  });
});

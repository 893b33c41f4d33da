import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import { checkInvoice } from "../../src/invoices/invoice-checks.js";
import { LlmInvoiceExtractor } from "../../src/invoices/llm-invoice-extractor.js";
import { normaliseInvoice } from "../../src/invoices/normalise-invoice.js";
import { cutReply, type OllamaServer, startOllamaServer } from "../support/ollama-server.js";
import { asksForLines, readInvoice, readingModel } from "../support/reading-model.js";
import { testConfig } from "../support/test-config.js";

const TEXT = readFileSync(
  new URL("../fixtures/field-reports-1/10-invoice-120-line-items.txt", import.meta.url),
  "utf8",
);

let server: OllamaServer;
beforeAll(async () => {
  server = await startOllamaServer({ limitOutput: true });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function extractor(numPredict = 1536, numCtx = 8192) {
  const config = testConfig({ model: { host: server.url, numCtx } });
  return new LlmInvoiceExtractor({
    model: config.model,
    prompt: loadPromptTemplate(config.prompts, "invoice"),
    numPredict,
    retryDelayMs: 10,
  });
}

async function read(numPredict?: number, numCtx?: number) {
  const extraction = await extractor(numPredict, numCtx).extract({ text: TEXT, name: "rechnung.txt" });
  const draft = normaliseInvoice(extraction.fields, { language: "de", unread: extraction.unread });
  return {
    extraction,
    draft,
    checks: [...(extraction.checks ?? []), ...checkInvoice(draft, ["vendor", "total"])],
  };
}

const header = () => {
  const answer = readInvoice(TEXT);
  delete answer.line_items;
  return answer;
};

describe("an invoice answer cut at num_predict (done_reason length)", () => {
  it("120 lines do not fit 1536 tokens: the header is read again without them, the lines are marked partial", async () => {
    server.script(readingModel());
    const { extraction, draft, checks } = await read();
    expect(server.requests.map((r) => asksForLines(r))).toEqual([true, false]);
    expect(draft).toMatchObject({
      vendor: "Eisenwaren Hollerbach GmbH",
      invoiceNumber: "EH-2025-1207",
      invoiceDate: "2025-12-07",
      currency: "EUR",
      subtotalMinor: 120740,
      taxMinor: 22941,
      totalMinor: 143681,
    });
    expect(draft.lineItems.length).toBeGreaterThan(10);
    expect(draft.lineItems.length).toBeLessThan(120);
    expect(draft.lineItems[0]).toMatchObject({
      description: "Schraube M4x10 verzinkt DIN 933 Pos 1",
      amountMinor: 120,
    });
    expect(extraction.info.lineItems).toEqual({ complete: false, read: draft.lineItems.length });
    expect(checks.find((c) => c.name === "line_items")).toMatchObject({
      status: "skipped",
      message: expect.stringMatching(
        /cut at the output limit \(num_predict 1536\) after \d+ complete invoice lines/,
      ),
    });
    expect(checks.filter((c) => c.status === "failed")).toEqual([]);
  });

  it("a budget large enough reads every line at once", async () => {
    server.script(readingModel());
    const { draft, extraction } = await read(6000, 16384);
    expect(server.requests).toHaveLength(1);
    expect(draft.lineItems).toHaveLength(120);
    expect(extraction.info.lineItems).toEqual({ complete: true });
  });

  it.each([
    [
      "both cut after the total",
      () => cutReply(header(), JSON.stringify(header()).indexOf('"iban"') + 5),
      [],
    ],
    [
      "the retry cut inside the vendor",
      () => cutReply(header(), JSON.stringify(header()).indexOf('"vendor"') + 20),
      [],
    ],
    ["the retry answers nulls only", () => ({ kind: "json" as const, value: readInvoice("") }), []],
  ])("%s: every complete field is kept", async (_what, retry, failed) => {
    server.script((request) => (asksForLines(request) ? readingModel()(request) : retry()));
    const { draft, checks } = await read();
    expect(draft).toMatchObject({
      vendor: "Eisenwaren Hollerbach GmbH",
      totalMinor: 143681,
      invoiceDate: "2025-12-07",
    });
    expect(checks.filter((c) => c.status === "failed").map((c) => c.name)).toEqual(failed);
  });

  it("fields no answer delivered are reported as not read, never as absent", async () => {
    // the first answer is cut before the total; so is the retry
    const full = readInvoice(TEXT);
    const beforeTotal = JSON.stringify(full).indexOf('"total"');
    server.enqueue(cutReply(full, beforeTotal), cutReply(header(), beforeTotal));
    const { draft, checks } = await read();
    expect(draft.totalMinor).toBeNull();
    expect(draft.unreadable.total).toContain("not read: the model's answer was cut at the output limit");
    expect(checks.find((c) => c.name === "extraction")).toMatchObject({
      status: "failed",
      message: expect.stringContaining("not read: total, iban, purchase_order"),
    });
    expect(checks.find((c) => c.name === "required_fields")?.message).toContain("total (not read");
    expect(checks.find((c) => c.name === "amounts_add_up")?.status).toBe("failed");
  });
});

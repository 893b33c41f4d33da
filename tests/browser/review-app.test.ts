import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserRequired, chromiumAvailable, launchChromium, type TestBrowser } from "../support/browser.js";
import { isInvoiceRequest } from "../support/corpus-model.js";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { minimalPdf } from "../support/minimal-pdf.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { type DocsortProcess, runDocsort, startDocsort } from "../support/run-docsort.js";
import { stopDocsort } from "../support/stop-docsort.js";
import { readDocuments } from "../support/store-reader.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

/** What the loopback model says about each test document (found by a marker in its text). */
const DOCUMENTS = [
  {
    file: "taxi.pdf",
    lines: [
      "Stadt-Taxi Kessel",
      "Quittung",
      "Fahrt vom Hauptbahnhof zum Messegelaende",
      "Fahrpreis EUR 23,40",
    ],
    marker: "Stadt-Taxi",
    category: "receipt",
    confidence: 0.45,
    evidence: "Fahrpreis EUR 23,40",
  },
  {
    file: "memo.txt",
    lines: [
      "Memo to all staff",
      "The canteen will be closed on Friday for cleaning.",
      "Please plan accordingly.",
    ],
    marker: "canteen",
    category: "letter",
    confidence: 0.4,
    evidence: "The canteen will be closed on Friday",
  },
  {
    file: "lease.txt",
    lines: ["Tenancy agreement", "between Anna Berg and Hausverwaltung Nord", "Both parties sign below."],
    marker: "Tenancy",
    category: "contract",
    confidence: 0.55,
    evidence: "Tenancy agreement",
  },
  {
    file: "invoice.pdf",
    lines: [
      "ACME GmbH",
      "INVOICE HR-2025-0417",
      "Date: 2025-03-12",
      "Subtotal: 100.00 EUR",
      "VAT 19%: 19.00 EUR",
      "Total due: 119.00 EUR",
    ],
    marker: "HR-2025-0417",
    category: "invoice",
    confidence: 0.95,
    evidence: "INVOICE HR-2025-0417",
  },
  {
    file: "late.txt",
    lines: ["Parking fine", "Notice of a parking offence on Lindenstrasse."],
    marker: "Parking fine",
    category: "letter",
    confidence: 0.35,
    evidence: "Notice of a parking offence",
  },
] as const;

const field = (value: string | null) => ({ value, quote: value ?? "" });
const INVOICE_FIELDS = {
  document_type: "invoice",
  vendor: field("ACME GmbH"),
  vendor_vat_id: field(null),
  invoice_number: field("HR-2025-0417"),
  invoice_date: field("2025-03-12"),
  due_date: field(null),
  currency: field("EUR"),
  subtotal: field("100.00 EUR"),
  tax: field("19.00 EUR"),
  total: field("119.00 EUR"),
  iban: field(null),
  purchase_order: field(null),
  line_items: [],
};

function model(request: RecordedRequest): Reply {
  if (isInvoiceRequest(request)) return { kind: "json", value: INVOICE_FIELDS };
  const text = documentPart(lastUserText(request));
  const doc = DOCUMENTS.find((d) => text.includes(d.marker));
  return {
    kind: "json",
    value: {
      category: doc?.category ?? "other",
      confidence: doc?.confidence ?? 0.3,
      summary: doc ? `a ${doc.category}` : "unknown",
      evidence: doc?.evidence ?? "",
    },
  };
}

function drop(env: E2eEnv, file: (typeof DOCUMENTS)[number]["file"]): void {
  const doc = DOCUMENTS.find((d) => d.file === file);
  if (!doc) throw new Error(file);
  const bytes = file.endsWith(".pdf") ? minimalPdf(doc.lines) : Buffer.from(`${doc.lines.join("\n")}\n`);
  writeFileSync(path.join(env.inbox, file), bytes);
}

let env: E2eEnv;
let receiver: WebhookReceiver;
let chromium: TestBrowser;
let serve: DocsortProcess;
let base = "";
let loginUrl = "";
const screenshots = process.env.DOCSORT_SCREENSHOTS
  ? path.resolve(process.env.DOCSORT_SCREENSHOTS)
  : undefined;
const scratch = tempDir("docsort-shots-");
const idOf = (name: string) => readDocuments(env.home).find((d) => d.name === name)?.id ?? -1;

async function signedInPage(width = 1280, height = 900): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(loginUrl);
  await page.waitForURL(`${base}/review`);
  return { context, page };
}

/** The README's screenshots: written to $DOCSORT_SCREENSHOTS (docs/ when regenerating them), else nowhere. */
async function screenshotForReadme(page: Page, name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

/** Sends a key and waits for the page the form led to, with its notice. */
async function pressAndWait(page: Page, key: string, notice: string): Promise<void> {
  await page.keyboard.press(key);
  await page.locator(".notice", { hasText: notice }).waitFor({ timeout: 20_000 });
}

/** Waits until the page's scan has loaded and has pixels (the browser decoded the image). */
async function pageImageShown(page: Page, what: string): Promise<void> {
  const image = page.locator("img.page").first();
  await until(
    () =>
      image.evaluate(
        (img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0,
      ),
    what,
  );
}

async function cardTitle(page: Page): Promise<string> {
  return (await page.locator("#card-title").textContent()) ?? "";
}

const runBrowserTests = chromiumAvailable || browserRequired;

describe.skipIf(!runBrowserTests)("the review app in Debian's chromium", () => {
  beforeAll(async () => {
    if (!chromiumAvailable)
      throw new Error("chromium is not installed: apt-get install chromium (see .ci/run)");
    env = await createE2eEnv();
    receiver = await startWebhookReceiver();
    env.server.script(model);
    env.writeConfig({
      intake: { stableMs: 100 },
      outbox: { retryBaseMs: 200, retryMaxMs: 400, pollIntervalMs: 50 },
    });
    for (const doc of DOCUMENTS) if (doc.file !== "late.txt") drop(env, doc.file);
    const hook = await runDocsort(
      [
        "handlers",
        "add",
        "accounting",
        "--kind",
        "webhook",
        "--trigger",
        "invoice.approved",
        "--config",
        JSON.stringify({ url: receiver.url }),
      ],
      env,
    );
    if (hook.code !== 0) throw new Error(hook.stderr);
    const watched = await runDocsort(["watch", "--once"], env);
    if (watched.code !== 0) throw new Error(watched.stderr);
    serve = startDocsort(["serve", "--port", "0"], env);
    await serve.waitForOutput(/open this URL to sign in: (http:\S+)/);
    loginUrl = /open this URL to sign in: (http:\S+)/.exec(serve.stdout)?.[1] ?? "";
    base = new URL(loginUrl).origin;
    chromium = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    // The server first: nothing else may keep it alive if a later step fails.
    if (serve) await stopDocsort(serve);
    await chromium?.close();
    await receiver?.close();
    await env?.cleanup();
    scratch.cleanup();
  });

  it("signs in with the printed URL; a wrong token is refused and a rotated one stops working", async () => {
    expect(loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{43}$/);
    const { context, page } = await signedInPage();
    expect(await page.locator("h1").first().textContent()).toMatch(/^#\d+ memo\.txt$/);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict" });

    const stranger = await chromium.browser.newContext();
    const refused = await (await stranger.newPage()).goto(`${base}/login?token=not-the-token`);
    expect(refused?.status()).toBe(401);
    const review = await (await stranger.newPage()).goto(`${base}/review`);
    expect(new URL(review?.url() ?? "").pathname).toBe("/login");
    await stranger.close();

    const rotated = await runDocsort(["token", "--json"], env);
    const { loginUrl: fresh, signedOut } = JSON.parse(rotated.stdout) as {
      loginUrl: string;
      signedOut: number;
    };
    expect(signedOut).toBeGreaterThanOrEqual(1);
    await page.goto(`${base}/review`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect((await page.goto(loginUrl))?.status()).toBe(401);
    loginUrl = `${base}${new URL(fresh).pathname}${new URL(fresh).search}`;
    await page.goto(loginUrl);
    await page.waitForURL(`${base}/review`);
    await context.close();
  }, 60_000);

  it("reviews three documents with the keyboard: set, accept, skip, undo, decide again", async () => {
    const { context, page } = await signedInPage();
    expect(await cardTitle(page)).toContain("memo.txt");
    expect(await page.locator(".evidence mark").textContent()).toBe("The canteen will be closed on Friday");
    expect(await page.locator("pre.text").textContent()).toContain("Please plan accordingly.");

    await pressAndWait(page, "8", "set to other");
    expect(await cardTitle(page)).toContain("taxi.pdf");
    await pageImageShown(page, "the page image of taxi.pdf");
    expect(await page.locator(".evidence mark").textContent()).toBe("Fahrpreis EUR 23,40");
    await screenshotForReadme(page, "review");
    await pressAndWait(page, "a", "accepted as receipt");
    expect(await cardTitle(page)).toContain("lease.txt");
    await pressAndWait(page, "s", "skipped for now");
    expect(await cardTitle(page)).toBe("You skipped the rest.");

    await pressAndWait(page, "u", "undone: back to receipt");
    expect(await cardTitle(page)).toContain("taxi.pdf");
    await pressAndWait(page, "2", "set to receipt");
    await page.getByRole("button", { name: /skipped again/ }).click();
    await page.locator(".notice", { hasText: "back in the queue" }).waitFor();
    expect(await cardTitle(page)).toContain("lease.txt");
    await pressAndWait(page, "a", "accepted as contract");
    expect(await cardTitle(page)).toBe("Nothing to review.");
    expect(await page.locator('[data-live="review-count"]').textContent()).toBe("0");

    const rows = readDocuments(env.home);
    const current = (name: string) => rows.find((r) => r.name === name);
    expect(current("memo.txt")).toMatchObject({ status: "done", category: "other", source: "human" });
    expect(current("taxi.pdf")).toMatchObject({ status: "done", category: "receipt", source: "human" });
    expect(current("lease.txt")).toMatchObject({ status: "done", category: "contract", source: "human" });
    const taxi = JSON.parse((await runDocsort(["show", String(idOf("taxi.pdf")), "--json"], env)).stdout) as {
      classifications: { source: string; details: Record<string, unknown> }[];
      events: { type: string }[];
    };
    expect(taxi.classifications.map((c) => [c.source, c.details.decision ?? "restored"])).toEqual([
      ["llm", "restored"],
      ["human", "accept"],
      ["llm", "restored"],
      ["human", "set"],
    ]);
    expect(taxi.events.filter((e) => e.type === "decision_undone")).toHaveLength(1);
    await context.close();
  }, 90_000);

  it("approves an invoice beside its scan: exactly one webhook delivery", async () => {
    const { context, page } = await signedInPage(1280, 1000);
    await page.getByRole("link", { name: "Invoices" }).click();
    await page.getByRole("link", { name: "ACME GmbH" }).click();
    await pageImageShown(page, "the invoice's page image");
    const fields = (await page.locator("table.fields").textContent()) ?? "";
    expect(fields).toContain("HR-2025-0417");
    expect(fields).toContain("119.00 EUR");
    expect(await page.locator(".checks").textContent()).toContain("passed");
    expect(receiver.deliveries).toHaveLength(0);
    await screenshotForReadme(page, "invoice");

    await pressAndWait(page, "a", "approved");
    await until(() => receiver.deliveries.length === 1, "the webhook delivery");
    const invoiceId = Number(/\/invoices\/(\d+)/.exec(page.url())?.[1]);
    await until(async () => {
      const shown = await runDocsort(["invoices", "show", String(invoiceId), "--json"], env);
      const runs = (JSON.parse(shown.stdout) as { runs: { status: string }[] }).runs;
      return runs.length === 1 && runs[0]?.status === "succeeded";
    }, "the run to be recorded as succeeded");
    await page.reload();
    expect(await page.locator("h1").first().textContent()).toContain("approved");
    expect(await page.locator('[data-key="a"]').count()).toBe(0);
    expect(receiver.deliveries).toHaveLength(1);
    expect(JSON.parse(receiver.deliveries[0]?.body ?? "{}")).toMatchObject({
      event: "invoice.approved",
      invoice: { invoiceNumber: "HR-2025-0417", total: "119.00" },
    });
    await context.close();
  }, 60_000);

  it("finds a document by a word in it", async () => {
    const { context, page } = await signedInPage();
    await page.keyboard.press("/");
    await page.keyboard.type("Hauptbahnhof");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search\?q=Hauptbahnhof/);
    expect(await page.getByTestId("result-count").textContent()).toBe("1 document match");
    expect(await page.locator(".results li a").first().textContent()).toContain("taxi.pdf");
    expect(await page.locator(".results mark").first().textContent()).toBe("Hauptbahnhof");
    await page.selectOption("select[name=category]", "contract");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/category=contract/);
    expect(await page.getByTestId("result-count").textContent()).toBe("Nothing found.");
    await context.close();
  }, 60_000);

  it("refuses a cross-site form post and a same-site request without the CSRF token", async () => {
    const { context, page } = await signedInPage();
    const invoiceId = 1;
    const before = await runDocsort(["invoices", "show", String(invoiceId), "--json"], env);
    const evil = await startEvilSite(`${base}/invoices/${invoiceId}/reject`);
    try {
      const attack = await context.newPage();
      const refused = attack.waitForResponse((r) => r.url().startsWith(`${base}/invoices/`));
      await attack.goto(evil.url);
      expect((await refused).status()).toBe(403);
    } finally {
      await closeServer(evil.server);
    }
    const forged = await page.evaluate(async (url) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reason: "forged" }),
      });
      return { status: response.status, body: await response.text() };
    }, `${base}/api/v1/invoices/${invoiceId}/reject`);
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ error: { code: "csrf_failed" } });
    const after = await runDocsort(["invoices", "show", String(invoiceId), "--json"], env);
    expect(JSON.parse(after.stdout).status).toBe(JSON.parse(before.stdout).status);
    await context.close();
  }, 60_000);

  it("refuses path traversal: files are served by document id only", async () => {
    const { context, page } = await signedInPage();
    for (const attempt of [
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/..%2f..%2fpackage.json",
      "/api/v1/documents/..%2F..%2Fpackage.json/file",
      `/api/v1/documents/${idOf("invoice.pdf")}/pages/..%2f..%2f..%2fetc%2fpasswd`,
    ]) {
      const response = await page.goto(`${base}${attempt}`);
      expect([400, 404], attempt).toContain(response?.status());
      const text = (await response?.text()) ?? "";
      expect(text).not.toContain('"name": "docsort"');
      expect(text).not.toContain("root:x:");
    }
    await context.close();
  }, 60_000);

  it("keeps the queue and the watcher's progress current without a reload", async () => {
    const { context, page } = await signedInPage();
    expect(await page.locator('[data-live="review-count"]').textContent()).toBe("0");
    await page.evaluate("window.stayed = true");
    drop(env, "late.txt");
    const watched = await runDocsort(["watch", "--once"], env);
    expect(watched.code).toBe(0);
    await until(
      async () => (await page.locator('[data-live="review-count"]').textContent()) === "1",
      "the review count to become 1",
    );
    expect(await page.locator('[data-live="arrivals"]').isVisible()).toBe(true);
    expect(await page.locator('[data-live="status"]').textContent()).toContain("1 to review");
    expect(await page.evaluate("window.stayed")).toBe(true);
    await context.close();
  }, 60_000);

  it.each([1280, 375])(
    "works at %i px wide",
    async (width) => {
      const { context, page } = await signedInPage(width, 900);
      const layouts: Record<string, string> = { review: `${base}/review`, invoice: `${base}/invoices/1` };
      for (const [name, url] of Object.entries(layouts)) {
        await page.goto(url);
        await until(
          async () => (await page.locator("img.page, pre.text").first().count()) > 0,
          `${name}: the scan or the text`,
        );
        const overflow = await page.evaluate<number>(
          "document.documentElement.scrollWidth - window.innerWidth",
        );
        expect(overflow, `${name} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
        const scan = await page.locator(".scan").boundingBox();
        const card = await page.locator(".card").boundingBox();
        if (!scan || !card) throw new Error(`${name}: no scan or card`);
        if (width >= 900)
          expect(card.x, `${name}: the card beside the scan`).toBeGreaterThanOrEqual(scan.x + scan.width - 1);
        else
          expect(card.y, `${name}: the card below the scan`).toBeGreaterThanOrEqual(scan.y + scan.height - 1);
        if (name === "review") {
          const button = await page.locator('[data-key="a"]').boundingBox();
          expect(button && button.x + button.width, "the accept button fits").toBeLessThanOrEqual(width);
        }
        await page.screenshot({ path: path.join(scratch.path, `${name}-${width}.png`) });
      }
      await context.close();
    },
    60_000,
  );
});

/** Another site (localhost, another port) whose page posts a form to the review app as soon as it loads. */
async function startEvilSite(target: string): Promise<{ url: string; server: Server }> {
  const page = `<!doctype html><form method="post" action="${target}"><input name="reason" value="forged"></form>
<script>document.forms[0].submit()</script>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, server };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

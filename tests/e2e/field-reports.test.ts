import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/classify/token-estimate.js";
import { createE2eEnv, type E2eEnv } from "../support/e2e-env.js";
import { cutReply, proseReply } from "../support/ollama-server.js";
import { asksForInvoice, asksForLines, readInvoice, readingModel } from "../support/reading-model.js";
import { runDocsort } from "../support/run-docsort.js";
import { tempDir } from "../support/temp-dir.js";

/**
 * The inputs of ../shared/cases/field-reports-1 (copied into tests/fixtures/field-reports-1), each through the real
 * `docsort extract`, `watch` and `invoices` commands, with the value its README names.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/field-reports-1/", import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);

/** A mail whose only attachment carries `bytes` under `name` (base64, as mailers send it). */
function mailWithAttachment(name: string, bytes: Buffer): string {
  const base64 = bytes.toString("base64").replace(/.{76}/g, "$&\r\n");
  return [
    "From: scanner@example.org",
    "To: inbox@example.org",
    "Subject: Scan",
    "Date: Mon, 13 Oct 2025 09:00:00 +0200",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Scanned document attached.",
    "--b1",
    `Content-Type: application/octet-stream; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    "Content-Transfer-Encoding: base64",
    "",
    base64,
    "--b1--",
    "",
  ].join("\r\n");
}

interface ListItem {
  id: number;
  name: string;
  status: string;
  category: string | null;
  parentId: number | null;
  duplicateOf: number | null;
}

interface Ledger {
  id: number;
  documentId: number;
  status: string;
  vendor: string | null;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  duplicateOf: number | null;
  checks: { name: string; status: string; message: string }[];
}

describe("field reports through docsort extract", () => {
  it.each([
    ["01-pdf-with-bytes-before-signature.pdf", ["application/pdf", "OK-2024-1009"]],
    ["02-mail-part-charset-only-in-html-meta.eml", ["die Rechnung über 1.250,00 € für März"]],
    [
      "03-docx-vendor-in-header-footer.docx",
      ["Brightwater Consulting Ltd", "GB 402 7719 33", "GB33BUKB20201555555555", "[Header]", "[Footer]"],
    ],
  ])("%s", async (name, expected) => {
    const dir = tempDir("docsort-fr-extract-");
    try {
      const env = { home: dir.path, inbox: path.join(dir.path, "inbox"), ollamaHost: "http://127.0.0.1:9" };
      const result = await runDocsort(["extract", fixture(name)], env);
      expect(result.code, result.stderr).toBe(0);
      for (const text of expected) expect(result.stdout).toContain(text);
      expect(result.stdout).not.toContain("\uFFFD");
    } finally {
      dir.cleanup();
    }
  });

  it("01 attached to an e-mail is read as a PDF too", async () => {
    const dir = tempDir("docsort-fr-extract-");
    try {
      const mail = path.join(dir.path, "scan.eml");
      writeFileSync(
        mail,
        mailWithAttachment("scan.pdf", readFileSync(fixture("01-pdf-with-bytes-before-signature.pdf"))),
      );
      const env = { home: dir.path, inbox: path.join(dir.path, "inbox"), ollamaHost: "http://127.0.0.1:9" };
      const result = await runDocsort(["extract", mail], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/scan\.eml#scan\.pdf: application\/pdf/);
      expect(result.stdout).toContain("OK-2024-1009");
    } finally {
      dir.cleanup();
    }
  });
});

describe("field reports through docsort watch and invoices", () => {
  let env: E2eEnv;
  let list: ListItem[];
  let ledger: Ledger[];
  const byName = (name: string) => list.find((d) => d.name === name);
  const invoiceOf = (name: string) => ledger.find((i) => i.documentId === byName(name)?.id);
  const docsortJson = async <T>(args: string[]): Promise<T> => {
    const result = await runDocsort([...args, "--json"], env);
    if (result.code !== 0) throw new Error(`docsort ${args.join(" ")}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    // A model whose tokenizer counts 8 % more than docsort's estimate; it cuts prompts over num_ctx and answers
    // over num_predict, as Ollama does.
    env = await createE2eEnv({
      simulateTruncation: true,
      limitOutput: true,
      countTokens: (messages) => Math.ceil(estimateTokens(messages.map((m) => m.content).join("\n")) * 1.08),
    });
    env.server.script(
      readingModel((request, text) => {
        if (text.includes("REF PROSE 4711")) {
          return proseReply("Here is my answer for {the file}: ", {
            category: "letter",
            confidence: 0.91,
            summary: "A complaint about a late delivery",
            evidence: "Sehr geehrte Damen und Herren",
          });
        }
        // The header-only retry of the 120-line invoice is cut too (after the total): both answers hit num_predict.
        if (asksForInvoice(request) && !asksForLines(request) && text.includes("EH-2025-1207")) {
          const header = readInvoice(text);
          delete header.line_items;
          return cutReply(header, JSON.stringify(header).indexOf('"iban"') + 12);
        }
        return undefined;
      }),
    );
    env.writeConfig({
      intake: { stableMs: 200 },
      outbox: { retryBaseMs: 200, retryMaxMs: 400, pollIntervalMs: 50, maxAttempts: 3 },
      // these reports are about fitting whole documents to num_ctx: no small first pass
      tokens: { firstPass: 0 },
    });
    for (const name of readdirSync(FIXTURES)) {
      if (name === "README.md") continue;
      copyFileSync(fixture(name), path.join(env.inbox, name));
    }
    writeFileSync(
      path.join(env.inbox, "mail-scan.eml"),
      mailWithAttachment("scan.pdf", readFileSync(fixture("01-pdf-with-bytes-before-signature.pdf"))),
    );
    writeFileSync(
      path.join(env.inbox, "complaint.txt"),
      "Sehr geehrte Damen und Herren,\nIhre Lieferung kam drei Wochen zu spät.\nReference REF PROSE 4711\n",
    );
    const once = await runDocsort(["watch", "--once"], env, 240_000);
    expect(once.code, once.stdout + once.stderr).toBe(0);
    list = await docsortJson<ListItem[]>(["list"]);
    ledger = await docsortJson<Ledger[]>(["invoices", "list"]);
  }, 300_000);
  afterAll(async () => {
    await env?.cleanup();
  });

  it("08: an editor's autosave file is never taken in", () => {
    expect(list.map((d) => d.name)).not.toContain("08-#emacs-autosave.txt#");
    expect(list.some((d) => d.name.includes("emacs"))).toBe(false);
  });

  it("01: read as a PDF, and its copy attached to an e-mail is read too", async () => {
    const pdf = byName("01-pdf-with-bytes-before-signature.pdf");
    expect(pdf?.status).toBe("done");
    const shown = await docsortJson<{ extraction: { excerpt: string; mime: string } }>([
      "show",
      String(pdf?.id),
    ]);
    expect(shown.extraction.mime).toBe("application/pdf");
    expect(shown.extraction.excerpt).toContain("OK-2024-1009");
    const attached = list.find((d) => d.name === "scan.pdf");
    expect(attached?.parentId).toBe(byName("mail-scan.eml")?.id);
    // the same bytes as 01, which was read: linked to it, never to something unread
    expect(attached?.duplicateOf).toBe(pdf?.id);
  });

  it("02: the HTML mail part is decoded by its <meta> charset", async () => {
    const mail = byName("02-mail-part-charset-only-in-html-meta.eml");
    const shown = await docsortJson<{ extraction: { excerpt: string } }>(["show", String(mail?.id)]);
    expect(shown.extraction.excerpt).toContain("die Rechnung über 1.250,00 € für März");
    expect(shown.extraction.excerpt).not.toContain("\uFFFD");
  });

  it("03: the DOCX letterhead in the header and footer is read", async () => {
    const docx = byName("03-docx-vendor-in-header-footer.docx");
    const shown = await docsortJson<{ extraction: { excerpt: string } }>(["show", String(docx?.id)]);
    for (const text of ["Brightwater Consulting Ltd", "GB 402 7719 33", "GB33BUKB20201555555555"])
      expect(shown.extraction.excerpt).toContain(text);
  });

  it("04: amounts without cents are read; the totals check passes", () => {
    const invoice = invoiceOf("04-amounts-dash-no-cents.txt");
    expect(invoice).toMatchObject({ subtotal: "1037.00", tax: "197.03", total: "1234.03", currency: "EUR" });
    const check = invoice?.checks.find((c) => c.name === "amounts_add_up");
    expect(check?.status).toBe("passed");
    expect(invoice?.checks.map((c) => c.message).join(" ")).not.toContain("no subtotal printed");
  });

  it("05: an amount with no integer part is read; 4.68 + 0.64 = 5.32", () => {
    const invoice = invoiceOf("05-amount-leading-decimal-separator.txt");
    expect(invoice).toMatchObject({ subtotal: "4.68", tax: "0.64", total: "5.32" });
    expect(invoice?.checks.find((c) => c.name === "amounts_add_up")?.status).toBe("passed");
  });

  it("06: a date with year/month/day characters is read", () => {
    const invoice = invoiceOf("06-date-year-month-day-kanji.txt");
    expect(invoice).toMatchObject({ invoiceDate: "2025-03-12", total: "120000", currency: "JPY" });
  });

  it("07: the digit-dense statement is a bank statement, and every prompt fitted num_ctx", async () => {
    const statement = byName("07-digit-dense-statement.csv");
    expect(statement?.category).toBe("bank_statement");
    for (const request of env.server.requests) {
      expect(request.promptTruncated).toBe(false);
      expect(request.promptTokens).toBeLessThan(Number(request.options.num_ctx));
    }
    const shown = await docsortJson<{
      classifications: {
        promptTokens: number;
        estimatedPromptTokens: number;
        details: Record<string, unknown>;
      }[];
    }>(["show", String(statement?.id)]);
    const current = shown.classifications.at(-1);
    expect(current?.promptTokens).toBeLessThan(8192);
    // The server counted more than the first estimate: that was corrected and recorded on a document.
    const disagreement = /Ollama counted \d+ prompt tokens where docsort estimated \d+/;
    let flagged: number | undefined;
    for (const item of list) {
      const details = await docsortJson<{ classifications: { details: { warnings?: string[] } }[] }>([
        "show",
        String(item.id),
      ]);
      const warnings = details.classifications.at(-1)?.details.warnings ?? [];
      if (warnings.some((w) => disagreement.test(w))) flagged = item.id;
    }
    expect(flagged).toBeDefined();
    const shownText = await runDocsort(["show", String(flagged)], env);
    expect(shownText.stdout).toMatch(/model: Ollama counted \d+ prompt tokens where docsort estimated \d+/);
  });

  it("a JSON answer after prose with braces is accepted", () => {
    expect(byName("complaint.txt")).toMatchObject({ status: "done", category: "letter" });
  });

  it("09: the same number two years apart is no duplicate: both await approval", () => {
    expect(invoiceOf("09a-same-number-2023.txt")).toMatchObject({
      status: "awaiting_approval",
      duplicateOf: null,
    });
    expect(invoiceOf("09b-same-number-2025.txt")).toMatchObject({
      status: "awaiting_approval",
      duplicateOf: null,
    });
  });

  it("10: an answer cut at num_predict twice keeps the complete fields, and says the lines are partial", async () => {
    const invoice = invoiceOf("10-invoice-120-line-items.txt");
    expect(invoice).toMatchObject({
      vendor: "Eisenwaren Hollerbach GmbH",
      invoiceNumber: "EH-2025-1207",
      invoiceDate: "2025-12-07",
      total: "1436.81",
      currency: "EUR",
    });
    const lines = invoice?.checks.find((c) => c.name === "line_items");
    expect(lines?.message).toMatch(
      /cut at the output limit \(num_predict 1536\) after \d+ complete invoice lines/,
    );
    const shown = await docsortJson<{
      lineItems: unknown[];
      extraction: { lineItems: { complete: boolean } };
    }>(["invoices", "show", String(invoice?.id)]);
    expect(shown.lineItems.length).toBeGreaterThan(0);
    expect(shown.lineItems.length).toBeLessThan(120);
    expect(shown.extraction.lineItems.complete).toBe(false);
  });

  it("09: a wrong duplicate flag is cleared from the CLI, recorded, and can be undone", async () => {
    // the same vendor, number and date as 09b, different bytes: flagged as its duplicate
    writeFileSync(
      path.join(env.inbox, "09c-copy.txt"),
      `${readFileSync(fixture("09b-same-number-2025.txt"), "utf8")}Kopie für die Buchhaltung\n`,
    );
    const once = await runDocsort(["watch", "--once"], env, 120_000);
    expect(once.code, once.stdout + once.stderr).toBe(0);
    list = await docsortJson<ListItem[]>(["list"]);
    ledger = await docsortJson<Ledger[]>(["invoices", "list"]);
    const copy = invoiceOf("09c-copy.txt");
    expect(copy).toMatchObject({
      status: "duplicate",
      duplicateOf: invoiceOf("09b-same-number-2025.txt")?.id,
    });
    const id = String(copy?.id);

    const refused = await runDocsort(["invoices", "approve", id], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`docsort invoices not-duplicate ${id}`);

    const cleared = await runDocsort(
      ["invoices", "not-duplicate", id, "--by", "anna", "--note", "a copy"],
      env,
    );
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain("now awaiting_approval");
    const undone = await runDocsort(["invoices", "undo", id, "--by", "anna"], env);
    expect(undone.code, undone.stderr).toBe(0);
    expect(await docsortJson<Ledger>(["invoices", "show", id])).toMatchObject({ status: "duplicate" });

    expect((await runDocsort(["invoices", "not-duplicate", id], env)).code).toBe(0);
    const approved = await runDocsort(["invoices", "approve", id], env);
    expect(approved.code, approved.stderr).toBe(0);
    const shown = await docsortJson<{ events: { type: string; message: string }[] }>([
      "show",
      String(byName("09c-copy.txt")?.id),
    ]);
    const types = shown.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["invoice.not_duplicate", "invoice.not_duplicate_undone", "invoice.approved"]),
    );
    expect(shown.events.find((e) => e.type === "invoice.not_duplicate")?.message).toContain(
      "says anna: a copy",
    );
  }, 180_000);

  it("01: an unread original never shadows a readable attached copy", async () => {
    // more than 1 KB before %PDF- and a name that says nothing: not read
    const bytes = Buffer.concat([
      Buffer.alloc(2000, 0),
      readFileSync(fixture("01-pdf-with-bytes-before-signature.pdf")),
    ]);
    writeFileSync(path.join(env.inbox, "scan-0042.dat"), bytes);
    expect((await runDocsort(["watch", "--once"], env, 120_000)).code).toBe(0);
    writeFileSync(path.join(env.inbox, "mail-scan-0042.eml"), mailWithAttachment("scan-0042.pdf", bytes));
    expect((await runDocsort(["watch", "--once"], env, 120_000)).code).toBe(0);
    list = await docsortJson<ListItem[]>(["list"]);
    const unread = byName("scan-0042.dat");
    const attached = byName("scan-0042.pdf");
    expect(unread?.status).toBe("quarantined");
    expect(attached).toMatchObject({ status: "done", category: "invoice", duplicateOf: null });
    expect(unread?.duplicateOf).toBe(attached?.id);
  }, 180_000);
});

import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, type E2eEnv } from "../support/e2e-env.js";
import { runDocsort } from "../support/run-docsort.js";

let env: E2eEnv;
const answer = {
  category: "invoice",
  confidence: 0.91,
  summary: "Invoice 17 from ACME",
  evidence: "Invoice No. 17",
};

beforeAll(async () => {
  env = await createE2eEnv();
  env.server.script(() => ({ kind: "json", value: answer, promptEvalCount: 412, evalCount: 31 }));
  writeFileSync(path.join(env.root, "acme.txt"), "ACME Ltd\nInvoice No. 17\nTotal due: 119.00 EUR\n");
  writeFileSync(path.join(env.root, "note.txt"), "ok\n");
});
afterAll(async () => env?.cleanup());

describe("docsort CLI", () => {
  it("classify --dry-run prints the result and stores nothing", async () => {
    const result = await runDocsort(
      ["classify", "--dry-run", "--json", path.join(env.root, "acme.txt")],
      env,
    );
    expect(result.code).toBe(0);
    const [report] = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(report).toMatchObject({
      status: "done",
      category: "invoice",
      confidence: 0.91,
      promptTokens: 412,
      documentId: null,
    });
    expect(existsSync(path.join(env.home, "docsort.db"))).toBe(false);
  });

  it("classify stores the documents; list --json has the documented fields", async () => {
    const result = await runDocsort(
      ["classify", path.join(env.root, "acme.txt"), path.join(env.root, "note.txt")],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/#1 .*acme\.txt: done invoice 0\.91 \(llm\)/);
    expect(result.stdout).toMatch(/#2 .*note\.txt: needs_review — no text/);

    const listed = await runDocsort(["list", "--json"], env);
    const items = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    for (const key of [
      "id",
      "path",
      "sha256",
      "status",
      "reason",
      "category",
      "confidence",
      "source",
      "createdAt",
    ]) {
      expect(items[0]).toHaveProperty(key);
    }
    expect(items.find((i) => i.id === 1)).toMatchObject({
      status: "done",
      category: "invoice",
      source: "llm",
    });
  });

  it("list filters by status and category and prints a table", async () => {
    const table = await runDocsort(["list", "--category", "invoice"], env);
    expect(table.stdout).toMatch(/ID\s+STATUS\s+CATEGORY\s+CONF/);
    expect(table.stdout).toContain("acme.txt");
    expect(table.stdout).not.toContain("note.txt");
    const review = JSON.parse((await runDocsort(["list", "--status", "needs_review", "--json"], env)).stdout);
    expect(review).toHaveLength(1);
  });

  it("list shows the newest 50 unless told otherwise, and says on stderr how many it left out", async () => {
    const all = JSON.parse((await runDocsort(["list", "--json"], env)).stdout) as { id: number }[];
    expect(all.length).toBeGreaterThan(1);
    const newest = await runDocsort(["list", "--limit", "1"], env);
    expect(newest.code).toBe(0);
    expect(newest.stdout.trim().split("\n")).toHaveLength(2); // header and one row
    expect(newest.stdout).toMatch(new RegExp(`^${Math.max(...all.map((d) => d.id))}\\s`, "m"));
    const earlier = all.length - 1;
    expect(newest.stderr).toContain(
      `${earlier} earlier document${earlier === 1 ? "" : "s"} not shown: use --limit N or --all`,
    );
    const every = await runDocsort(["list", "--all"], env);
    expect(every.stdout.trim().split("\n")).toHaveLength(all.length + 1);
    expect(every.stderr).toBe("");
    const both = await runDocsort(["list", "--limit", "1", "--all"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --limit or --all, not both");
    expect((await runDocsort(["list", "--help"], env)).stdout).toContain(
      "the newest 50 unless --limit or --all",
    );
  });

  it("show prints the text excerpt, the classification with its tokens, and the events", async () => {
    const shown = await runDocsort(["show", "1"], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("| Invoice No. 17");
    expect(shown.stdout).toMatch(/llm\s+invoice\s+0\.91\s+llama3\.2\s+412\/31/);
    expect(shown.stdout).toMatch(/classified\s+classifying → routing/);
    expect(shown.stdout).toMatch(/routed\s+routing → done/);
    const json = JSON.parse((await runDocsort(["show", "#1", "--json"], env)).stdout);
    expect(json.classifications[0]).toMatchObject({
      numCtx: 8192,
      promptTokens: 412,
      outputTokens: 31,
      truncated: false,
    });
    expect(json.classifications[0].promptHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("extract prints what docsort reads, attachments included, and stores nothing", async () => {
    const mail = path.join(env.root, "mail.eml");
    writeFileSync(
      mail,
      [
        "From: Jane <jane@example.org>",
        "To: me@example.org",
        "Subject: Your invoice",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Please find the invoice attached.",
        "--b1",
        'Content-Type: text/plain; name="invoice.txt"',
        'Content-Disposition: attachment; filename="invoice.txt"',
        "",
        "ACME Ltd invoice INV-77, total 42.00 EUR",
        "--b1--",
        "",
      ].join("\r\n"),
    );
    const before = (await runDocsort(["list", "--json"], env)).stdout;
    const text = await runDocsort(["extract", mail], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/mail\.eml: message\/rfc822, mime, \d+ characters/);
    expect(text.stdout).toContain("Subject: Your invoice");
    expect(text.stdout).toContain("contains: invoice.txt");
    expect(text.stdout).toMatch(/mail\.eml#invoice\.txt: text\/plain, text/);
    const json = JSON.parse((await runDocsort(["extract", "--json", mail], env)).stdout) as Record<
      string,
      unknown
    >[];
    expect(json.map((n) => [n.file, n.depth, n.method])).toEqual([
      ["mail.eml", 0, "mime"],
      ["mail.eml#invoice.txt", 1, "text"],
    ]);
    expect(json[1]?.text).toContain("INV-77");
    const broken = path.join(env.root, "broken.pdf");
    writeFileSync(broken, "%PDF-1.7\n1 0 obj garbage\n%%EOF");
    const refused = await runDocsort(["extract", broken], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/broken\.pdf: not readable \(corrupt\)/);
    expect((await runDocsort(["list", "--json"], env)).stdout).toBe(before);
  });

  it("bad input exits 2 with one clear sentence", async () => {
    const unknown = await runDocsort(["show", "99"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe("docsort: there is no document #99 (see docsort list).");
    const badStatus = await runDocsort(["list", "--status", "finished"], env);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain("--status");
    const missing = await runDocsort(["classify", "nope.pdf"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.pdf: no such file.");
    const unknownCommand = await runDocsort(["frobnicate"], env);
    expect(unknownCommand.code).toBe(2);
  });

  it("a bad config file exits 2 naming the file and the key", async () => {
    const file = path.join(env.root, "bad.json");
    writeFileSync(file, JSON.stringify({ model: { parallel: 0 } }));
    // `stats` reads the model section (each configured host's use); `list` does not, and reads the store
    const result = await runDocsort(["--config", file, "stats"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/model\.parallel: .*>0.* \(got 0\)/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect((await runDocsort(["--config", file, "list"], env)).code).toBe(0);
  });

  it("doctor says what is fine and what to fix", async () => {
    const ok = await runDocsort(["doctor"], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok\s+ollama: http:\/\/127\.0\.0\.1:\d+ \(Ollama 0\.12\.3\)/);
    expect(ok.stdout).toMatch(/ok\s+database: .*schema \d+, wal/);
    const missingModel = await runDocsort(["doctor"], { ...env, extra: { DOCSORT_MODEL: "mistral" } });
    expect(missingModel.code).toBe(1);
    expect(missingModel.stdout).toContain("FAIL  model: model mistral not found");
    expect(missingModel.stdout).toContain("→ ollama pull mistral");
  });
});

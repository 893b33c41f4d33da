import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { runDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let env: E2eEnv;
let receiver: WebhookReceiver;

/** Answers with the category written in the document ("category: letter"), confidence from "confidence: 0.4". */
function echoModel(request: RecordedRequest): Reply {
  const text = documentPart(lastUserText(request));
  const category = /category: (\w+)/.exec(text)?.[1] ?? "other";
  const confidence = Number(/confidence: ([\d.]+)/.exec(text)?.[1] ?? "0.9");
  return { kind: "json", value: { category, confidence, summary: `a ${category}`, evidence: category } };
}

function drop(name: string, body: string): string {
  const file = path.join(env.inbox, name);
  writeFileSync(file, `${body}\nSome more words so that the text is long enough to classify.\n`);
  return file;
}

async function json<T>(args: string[]): Promise<T> {
  const result = await runDocsort([...args, "--json"], env);
  if (result.code !== 0) throw new Error(`docsort ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface Run {
  id: number;
  documentId: number;
  handlerName: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  output: string | null;
}

beforeAll(async () => {
  env = await createE2eEnv();
  receiver = await startWebhookReceiver();
  env.server.script(echoModel);
  env.writeConfig({
    intake: { stableMs: 100 },
    outbox: { retryBaseMs: 600_000, retryMaxMs: 600_000, pollIntervalMs: 50 },
  });
});
afterAll(async () => {
  await receiver?.close();
  await env?.cleanup();
});

describe("handlers, routing and the outbox through the CLI", () => {
  it("a fresh install has the invoice workflow enabled; bad configs are refused with the key and the reason", async () => {
    // reading commands never create the data folder: the first start does
    expect((await runDocsort(["handlers", "list"], env)).stderr).toContain("no docsort data at");
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    const list = await json<{ name: string; kind: string; enabled: boolean; categories: string[] }[]>([
      "handlers",
      "list",
    ]);
    expect(list).toEqual([
      expect.objectContaining({ name: "invoice-workflow", kind: "invoice", enabled: true }),
    ]);
    expect(list[0]?.categories).toEqual(["invoice"]);

    const bad = await runDocsort(
      [
        "handlers",
        "add",
        "x",
        "--kind",
        "webhook",
        "--on",
        "letter",
        "--config",
        '{"url":"ftp://h","timeoutMs":-1}',
      ],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/url: an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/h"\)/);
    expect(bad.stderr).toMatch(/timeoutMs: .*\(got -1\)/);
    const unknown = await runDocsort(["handlers", "add", "x", "--kind", "fax", "--on", "letter"], env);
    expect(unknown.stderr).toContain('unknown handler kind "fax"');
    const traversal = await runDocsort(
      [
        "handlers",
        "add",
        "x",
        "--kind",
        "move",
        "--on",
        "letter",
        "--config",
        '{"root":"/tmp","template":"a/../../b"}',
      ],
      env,
    );
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toContain('template: the template may not contain "." or ".." folders');
  });

  it("routes a classified document to its handlers; a failed webhook waits for its stored retry time", async () => {
    receiver.script((delivery) =>
      delivery.headers["x-test"] === "gone"
        ? { status: 410, body: "no such hook" }
        : { status: 500, headers: { "retry-after": "3600" }, body: "down" },
    );
    const config = (extra: Record<string, unknown>) => JSON.stringify({ url: receiver.url, ...extra });
    for (const [name, extra] of [
      ["letters-hook", {}],
      ["gone-hook", { headers: { "x-test": "gone" } }],
    ] as const) {
      const added = await runDocsort(
        [
          "handlers",
          "add",
          name,
          "--kind",
          "webhook",
          "--on",
          "letter",
          "--min-confidence",
          "0.8",
          "--config",
          config(extra),
        ],
        env,
      );
      expect(added.code, added.stderr).toBe(0);
    }
    drop("letter.txt", "Dear neighbour,\ncategory: letter");
    drop("unsure.txt", "Maybe a letter?\ncategory: letter\nconfidence: 0.5");
    drop("notice.txt", "A letter the hooks do not want.\ncategory: letter\nconfidence: 0.75");

    const once = await runDocsort(["watch", "--once"], env);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/1 handler run\(s\) wait for a retry/);

    const documents = readDocuments(env.home);
    const letter = documents.find((d) => d.name === "letter.txt");
    const unsure = documents.find((d) => d.name === "unsure.txt");
    expect(unsure?.status).toBe("needs_review");
    const runs = await json<Run[]>(["runs"]);
    expect(runs.every((r) => r.documentId === letter?.id)).toBe(true);
    const hook = runs.find((r) => r.handlerName === "letters-hook");
    expect(hook).toMatchObject({ status: "failed", attempts: 1 });
    expect(hook?.lastError).toContain("→ 500");
    expect(runs.find((r) => r.handlerName === "gone-hook")).toMatchObject({ status: "dead", attempts: 1 });
    expect(runs.find((r) => r.handlerName === "gone-hook")?.output).toContain("no such hook");

    const notice = documents.find((d) => d.name === "notice.txt");
    const shown = await json<{ events: { type: string; data: { notFired?: { reason: string }[] } }[] }>([
      "show",
      String(notice?.id),
    ]);
    const routed = shown.events.find((e) => e.type === "routed");
    expect(routed?.data.notFired?.map((n) => n.reason)).toContain("confidence 0.75 < 0.8");

    const again = await runDocsort(["watch", "--once"], env);
    expect(again.code).toBe(0);
    expect(receiver.deliveries).toHaveLength(2);
    expect((await json<Run[]>(["runs", "--status", "failed"]))[0]?.nextAttemptAt).toBe(hook?.nextAttemptAt);

    const text = await runDocsort(["show", String(letter?.id)], env);
    expect(text.stdout).toMatch(
      /Handler runs[\s\S]*letters-hook\s+document\.classified\s+letter\s+failed\s+1/,
    );
  });

  it("handlers test runs the handler dry: it prints the request and sends nothing", async () => {
    const letter = readDocuments(env.home).find((d) => d.name === "letter.txt");
    const result = await runDocsort(
      ["handlers", "test", "letters-hook", "--document", String(letter?.id)],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`would POST ${receiver.url}`);
    expect(result.stdout).toMatch(/x-docsort-event: document\.classified/);
    expect(result.stdout).toMatch(/x-docsort-delivery: [0-9a-f]{64}/);
    expect(result.stdout).toContain('"fileName": "letter.txt"');
    expect(result.stdout).toContain("result (simulated): POST");
    expect(receiver.deliveries).toHaveLength(2);
  });

  it("retry re-queues a run with fresh attempts and runs it now", async () => {
    const [failed] = await json<Run[]>(["runs", "--status", "failed"]);
    const stillFailing = await runDocsort(["retry", String(failed?.id)], env);
    expect(stillFailing.code).toBe(1);
    expect(stillFailing.stdout).toMatch(/letters-hook .*failed \(attempt 1/);
    receiver.script((delivery) =>
      delivery.headers["x-test"] === "gone" ? { status: 410 } : { status: 204 },
    );
    const ok = await runDocsort(["retry", String(failed?.id)], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/letters-hook .*succeeded/);
    const dead = await runDocsort(["retry", "--dead"], env);
    expect(dead.stdout).toMatch(/gone-hook .*dead after 1 attempt/);
    expect((await json<Run[]>(["runs"])).length).toBe(2);
    const usage = await runDocsort(["retry"], env);
    expect(usage.code).toBe(2);
  });

  it("a move handler files the document inside the inbox without intake taking it back", async () => {
    const root = path.join(env.inbox, "filed");
    const added = await runDocsort(
      [
        "handlers",
        "add",
        "file-receipts",
        "--kind",
        "move",
        "--on",
        "receipt",
        "--config",
        JSON.stringify({ root, template: "{category}/{yyyy}/../{name}{ext}" }),
      ],
      env,
    );
    expect(added.code).toBe(2);
    const ok = await runDocsort(
      [
        "handlers",
        "add",
        "file-receipts",
        "--kind",
        "move",
        "--on",
        "receipt",
        "--config",
        JSON.stringify({ root, template: "{category}/{yyyy}/{name}{ext}" }),
      ],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const original = drop("Quittung: Café <Lindenhof>.txt", "Cafe Lindenhof\ncategory: receipt");
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    const year = new Date().getFullYear();
    const filed = path.join(root, "receipt", String(year), "Quittung_ Café _Lindenhof_.txt");
    expect(readdirSync(path.join(root, "receipt", String(year)))).toEqual([path.basename(filed)]);
    expect(existsSync(original)).toBe(false);
    const receipts = readDocuments(env.home).filter((d) => d.category === "receipt");
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.path).toBe(filed);
    const shown = await runDocsort(["show", String(receipts[0]?.id)], env);
    expect(shown.stdout).toMatch(/moved\s+file-receipts: moved to/);
  });
});

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { type DocsortProcess, runDocsort, startDocsort } from "../support/run-docsort.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { prng } from "./prng.js";
import { reportFigures } from "./report.js";

const KILLS = Number(process.env.FAULT_KILLS ?? 32);
const PER_KIND = 20;
const random = prng(9);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let env: E2eEnv;
let receiver: WebhookReceiver;
let filed: string;
let commandLog: string;

function model(request: RecordedRequest): Reply {
  const text = documentPart(lastUserText(request));
  const n = /Document (\d+)/.exec(text)?.[1] ?? "0";
  const format = request.format as { properties?: Record<string, unknown> } | undefined;
  if (format?.properties && "vendor" in format.properties) {
    const field = (value: string | null) => ({ value, quote: value ?? "" });
    return {
      kind: "json",
      latencyMs: 20,
      value: {
        document_type: "invoice",
        vendor: field(`Vendor ${n} GmbH`),
        vendor_vat_id: field(null),
        invoice_number: field(`INV-${n}`),
        invoice_date: field("2025-03-12"),
        due_date: field("2025-04-12"),
        currency: field("EUR"),
        subtotal: field("100.00"),
        tax: field("19.00"),
        total: field("119.00"),
        iban: field(null),
        purchase_order: field(null),
        line_items: [],
      },
    };
  }
  const category = /category: (\w+)/.exec(text)?.[1] ?? "other";
  return {
    kind: "json",
    latencyMs: 50 + Math.floor(Math.random() * 200),
    value: { category, confidence: 0.9, summary: `${category} ${n}`, evidence: category },
  };
}

function query<T>(sql: string): T[] {
  const db = new Database(path.join(env.home, "docsort.db"), { readonly: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

const PER_WAVE = 2;

function dropWave(wave: number): string[] {
  const names: string[] = [];
  for (const category of ["receipt", "letter", "invoice"]) {
    for (let i = wave * PER_WAVE; i < (wave + 1) * PER_WAVE; i += 1) {
      const n = `${category.length}${String(i).padStart(3, "0")}`;
      const name = `${category}-${String(i).padStart(3, "0")}.txt`;
      writeFileSync(
        path.join(env.inbox, name),
        `Document ${n}\ncategory: ${category}\nSome words so that there is enough text to classify it.\n`,
      );
      names.push(name);
    }
  }
  return names;
}

function writeCommand(): string {
  const script = path.join(env.root, "cmd.mjs");
  writeFileSync(
    script,
    `import { appendFileSync } from "node:fs";
let input = "";
process.stdin.setEncoding("utf8").on("data", (c) => { input += c; }).on("end", () => {
  const event = JSON.parse(input);
  appendFileSync(${JSON.stringify(commandLog)}, JSON.stringify({ id: event.deliveryId, attempt: event.attempt, redelivery: event.redelivery }) + "\\n");
  setTimeout(() => process.exit(0), 150);
});
`,
  );
  return script;
}

async function addHandlers(script: string): Promise<void> {
  const handlers: string[][] = [
    [
      "filer",
      "--kind",
      "move",
      "--on",
      "receipt",
      "--config",
      JSON.stringify({ root: filed, template: "{category}/{name}{ext}" }),
    ],
    ["hook", "--kind", "webhook", "--on", "letter", "--config", JSON.stringify({ url: receiver.url })],
    [
      "cmd",
      "--kind",
      "command",
      "--on",
      "letter",
      "--config",
      JSON.stringify({ command: process.execPath, args: [script] }),
    ],
    [
      "paid",
      "--kind",
      "webhook",
      "--trigger",
      "invoice.approved",
      "--config",
      JSON.stringify({ url: receiver.url }),
    ],
  ];
  for (const args of handlers) {
    const added = await runDocsort(["handlers", "add", ...args], env);
    if (added.code !== 0) throw new Error(added.stderr);
  }
}

/** A decision command started next to the daemon, to be killed with it: approve an invoice or correct a letter. */
function startDecision(): DocsortProcess | undefined {
  if (!existsSync(path.join(env.home, "docsort.db"))) return undefined;
  if (random() < 0.5) {
    const invoice = query<{ id: number }>(
      "SELECT id FROM invoices WHERE status IN ('awaiting_approval','needs_attention') ORDER BY random() LIMIT 1",
    )[0];
    return invoice ? startDocsort(["invoices", "approve", String(invoice.id)], env) : undefined;
  }
  const letter = query<{ id: number }>(
    `SELECT d.id FROM documents d JOIN classifications c ON c.id = (SELECT max(id) FROM classifications WHERE document_id = d.id)
     WHERE d.status = 'done' AND c.category = 'letter' AND c.source = 'llm' ORDER BY random() LIMIT 1`,
  )[0];
  return letter ? startDocsort(["set", String(letter.id), "receipt", "--by", "faults"], env) : undefined;
}

/** Until `steps` more steps of real progress are in the journal (texts stored, decisions, runs ended). */
async function untilProgress(steps: number, maxMs: number): Promise<void> {
  const count = () =>
    query<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE type IN ('extracted', 'classified', 'handler.succeeded', 'handler.failed', 'moved', 'filed')",
    )[0]?.n ?? 0;
  const target = count() + steps;
  const deadline = Date.now() + maxMs;
  while (count() < target && Date.now() < deadline) await sleep(20);
}

function sha(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  env = await createE2eEnv();
  receiver = await startWebhookReceiver();
  // a receiver that takes a moment to answer: deliveries are in flight when docsort is killed
  receiver.script(async (delivery) => {
    const approval = delivery.headers["x-docsort-event"] === "invoice.approved";
    await sleep(Math.floor(Math.random() * (approval ? 900 : 300)));
    return { status: 200, body: "ok" };
  });
  env.server.script(model);
  filed = path.join(env.root, "filed");
  mkdirSync(filed);
  commandLog = path.join(env.root, "commands.jsonl");
  env.writeConfig({
    intake: { stableMs: 100, rescanIntervalMs: 1000 },
    extract: { workers: 2 },
    outbox: { pollIntervalMs: 50, concurrency: 2, retryBaseMs: 200, retryMaxMs: 1000 },
  });
});
afterAll(async () => {
  await receiver?.close();
  await env?.cleanup();
});

describe("crash loop: SIGKILL at random moments, daemon and decision commands alike", () => {
  it("loses nothing, moves, files and records exactly once, and redelivers no more than was in flight", async () => {
    await addHandlers(writeCommand());
    const dropped: string[] = [];
    let inFlightAtKills = 0;
    let kills = 0;
    let decisionsKilled = 0;
    for (let cycle = 0; cycle < KILLS; cycle += 1) {
      if (cycle < PER_KIND / PER_WAVE) dropped.push(...dropWave(cycle));
      const daemon = startDocsort(["watch"], env);
      const decision = cycle > 2 ? startDecision() : undefined;
      // a decision command is killed on its own clock: often while it runs the handlers it fired
      const decisionKilled = decision
        ? sleep(800 + Math.floor(random() * 2500)).then(() => decision.kill("SIGKILL"))
        : undefined;
      await daemon.waitForWatching();
      // the kill lands during work, whatever the machine's speed: after a random number of steps of progress
      await untilProgress(1 + Math.floor(random() * 8), 15_000);
      daemon.kill("SIGKILL");
      await decisionKilled;
      await Promise.all([daemon.exited, decision?.exited]);
      kills += 1;
      if (process.env.DEBUG_FAULTS) {
        const statuses = query("SELECT status, count(*) n FROM documents GROUP BY status");
        console.log(cycle, JSON.stringify(statuses), decision?.child.signalCode ?? "-", inFlightAtKills);
      }
      if (decision && decision.child.signalCode === "SIGKILL") decisionsKilled += 1;
      if (existsSync(path.join(env.home, "docsort.db")))
        inFlightAtKills +=
          query<{ n: number }>("SELECT count(*) AS n FROM handler_runs WHERE status = 'running'")[0]?.n ?? 0;
    }

    // settle without kills: every document final, every invoice approved, every run done
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    for (const { id } of query<{ id: number }>(
      "SELECT id FROM invoices WHERE status IN ('awaiting_approval','needs_attention')",
    ))
      expect((await runDocsort(["invoices", "approve", String(id)], env)).code).toBe(0);
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);

    const documents = query<{ id: number; name: string; status: string; path: string }>(
      "SELECT id, name, status, path FROM documents WHERE duplicate_of IS NULL AND parent_id IS NULL",
    );
    const names = new Set(documents.map((d) => d.name));
    const lost =
      dropped.filter((name) => !names.has(name)).length +
      documents.filter((d) => ["queued", "extracting", "classifying", "routing"].includes(d.status)).length;
    const quarantined = documents.filter((d) => d.status === "quarantined").length;
    const runs = query<{ id: number; kind: string; status: string; key: string }>(
      "SELECT id, handler_kind AS kind, status, idempotency_key AS key FROM handler_runs",
    );
    const commandCalls = existsSync(commandLog)
      ? readFileSync(commandLog, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { id: string; redelivery: boolean })
      : [];
    const webhookCalls = receiver.deliveries.map((d) => ({
      id: String(d.headers["x-docsort-delivery"]),
      redelivery: d.headers["x-docsort-redelivery"] === "true",
    }));
    const deliveries = [...webhookCalls, ...commandCalls];
    const distinct = new Set(deliveries.map((d) => d.id));
    const extra = deliveries.length - distinct.size;
    const seen = new Set<string>();
    let unmarkedRepeats = 0;
    for (const delivery of deliveries) {
      if (seen.has(delivery.id) && !delivery.redelivery) unmarkedRepeats += 1;
      seen.add(delivery.id);
    }

    // filing: every receipt (and every letter set to receipt) exactly once under filed/, none left in the inbox
    const filedFiles = filesBelow(filed);
    const byContent = new Map<string, number>();
    for (const file of filedFiles) byContent.set(sha(file), (byContent.get(sha(file)) ?? 0) + 1);
    const duplicateMoves = [...byContent.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
    const moveRuns = runs.filter((r) => r.kind === "move" && r.status === "succeeded").length;
    const leftovers = filedFiles.filter((f) => path.basename(f).startsWith(".docsort-")).length;
    const archive = filesBelow(path.join(env.home, "archive", "invoices"));
    const archiveByContent = new Set(archive.map(sha));
    const invoices = query<{ n: number; docs: number }>(
      "SELECT count(*) AS n, count(DISTINCT document_id) AS docs FROM invoices",
    )[0];
    // an invoice quarantined after 3 interruptions never reached the workflow
    const invoiceDocs = documents.filter((d) => d.name.startsWith("invoice-") && d.status === "done").length;
    const movedAway = documents.filter((d) => d.path.startsWith(filed)).every((d) => existsSync(d.path));

    if (process.env.DEBUG_FAULTS) console.log(JSON.stringify(documents.filter((d) => d.status !== "done")));
    reportFigures("crash loop (tests/faults/crash-loop.test.ts)", {
      "SIGKILLs: daemon / approve or set commands": `${kills} / ${decisionsKilled}`,
      "files dropped": dropped.length,
      documents: documents.length,
      "lost (no document, or not final)": lost,
      "quarantined after 3 interruptions": quarantined,
      "handler runs": runs.length,
      "runs not succeeded": runs.filter((r) => r.status !== "succeeded").length,
      "deliveries (webhook + command)": `${deliveries.length} for ${distinct.size} runs`,
      "extra deliveries": extra,
      "runs in flight at the kills": inFlightAtKills,
      "repeats not marked as redelivery": unmarkedRepeats,
      "files filed by move runs": `${filedFiles.length} for ${moveRuns} move runs`,
      "duplicate moves": duplicateMoves,
      ".docsort-*.tmp leftovers": leftovers,
      "archive copies / invoices classified / ledger rows": `${archive.length} / ${invoiceDocs} / ${invoices?.n ?? 0}`,
    });

    expect(kills).toBeGreaterThanOrEqual(30);
    expect(lost).toBe(0);
    expect(duplicateMoves).toBe(0);
    expect(filedFiles.length).toBe(moveRuns);
    expect(leftovers).toBe(0);
    expect(movedAway).toBe(true);
    expect(extra).toBeLessThanOrEqual(inFlightAtKills);
    expect(unmarkedRepeats).toBe(0);
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    expect(archive.length).toBe(invoiceDocs);
    expect(archiveByContent.size).toBe(invoiceDocs);
    expect(invoices).toEqual({ n: invoiceDocs, docs: invoiceDocs });
    // the webhook and command runs each reached their receiver at least once
    const deliveredRuns = runs.filter((r) => r.kind === "webhook" || r.kind === "command").length;
    expect(distinct.size).toBe(deliveredRuns);
    expect(statSync(filed).isDirectory()).toBe(true);
  });
});

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { runDocsort, startDocsort } from "../support/run-docsort.js";
import { waitUntil } from "../support/wait.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let env: E2eEnv;
let receiver: WebhookReceiver;

function echoModel(request: RecordedRequest): Reply {
  const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "other";
  return { kind: "json", value: { category, confidence: 0.9, summary: category, evidence: category } };
}

beforeEach(async () => {
  env = await createE2eEnv();
  receiver = await startWebhookReceiver();
  env.server.script(echoModel);
  env.writeConfig({ intake: { stableMs: 100 }, outbox: { pollIntervalMs: 50, concurrency: 2 } });
});
afterEach(async () => {
  await receiver.close();
  await env.cleanup();
});

interface CommandCall {
  stdin: { deliveryId: string; attempt: number; redelivery: boolean };
  env: Record<string, string>;
}

/** A command handler that records what it got, and blocks (like a slow program) while `block` exists. */
function writeRecorder(): { script: string; log: string; block: string } {
  const log = path.join(env.root, "command-calls.jsonl");
  const block = path.join(env.root, "block");
  const script = path.join(env.root, "record.mjs");
  writeFileSync(
    script,
    `import { appendFileSync, existsSync } from "node:fs";
let input = "";
process.stdin.setEncoding("utf8").on("data", (c) => { input += c; }).on("end", () => {
  appendFileSync(${JSON.stringify(log)}, JSON.stringify({ stdin: JSON.parse(input), env: process.env }) + "\\n");
  if (existsSync(${JSON.stringify(block)})) setInterval(() => {}, 1000);
});
`,
  );
  writeFileSync(block, "");
  return { script, log, block };
}

function calls(log: string): CommandCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CommandCall);
}

function runningRuns(): number {
  const db = new Database(path.join(env.home, "docsort.db"), { readonly: true });
  try {
    return (
      db.prepare<[], { n: number }>("SELECT count(*) AS n FROM handler_runs WHERE status = 'running'").get()
        ?.n ?? 0
    );
  } finally {
    db.close();
  }
}

describe("a run in flight when docsort is killed", () => {
  it("is sent again with the same delivery id, marked as a redelivery, and never more than once extra", async () => {
    const recorder = writeRecorder();
    for (const args of [
      ["hook", "--kind", "webhook", "--on", "letter", "--config", JSON.stringify({ url: receiver.url })],
      [
        "cmd",
        "--kind",
        "command",
        "--on",
        "receipt",
        "--config",
        JSON.stringify({ command: process.execPath, args: [recorder.script], env: { EXTRA: "configured" } }),
      ],
    ]) {
      const added = await runDocsort(["handlers", "add", ...args], env);
      expect(added.code, added.stderr).toBe(0);
    }
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // the first delivery is received but never answered: docsort is killed while it waits
    receiver.script(async (_delivery, attempt) => {
      if (attempt === 1) await released;
      return { status: 200, body: "ok" };
    });
    writeFileSync(path.join(env.inbox, "a.txt"), "A letter to you.\ncategory: letter\nwith enough words.\n");
    writeFileSync(
      path.join(env.inbox, "b.txt"),
      "A receipt for you.\ncategory: receipt\nwith enough words.\n",
    );

    const watch = startDocsort(["watch"], env);
    await waitUntil(
      () => receiver.deliveries.length === 1 && calls(recorder.log).length === 1 && runningRuns() === 2,
      "both runs in flight",
    );
    const inFlight = runningRuns();
    watch.kill("SIGKILL");
    await watch.exited;
    release();
    rmSync(recorder.block);

    const again = await runDocsort(["watch", "--once"], env);
    expect(again.code, again.stderr).toBe(0);

    const [first, second] = receiver.deliveries;
    expect(receiver.deliveries).toHaveLength(2);
    expect(second?.headers["x-docsort-delivery"]).toBe(first?.headers["x-docsort-delivery"]);
    expect(first?.headers).toMatchObject({ "x-docsort-attempt": "1", "x-docsort-redelivery": "false" });
    expect(second?.headers).toMatchObject({ "x-docsort-attempt": "2", "x-docsort-redelivery": "true" });
    expect(JSON.parse(second?.body ?? "{}")).toMatchObject({ attempt: 2, redelivery: true });

    const [call1, call2] = calls(recorder.log);
    expect(calls(recorder.log)).toHaveLength(2);
    expect(call2?.stdin.deliveryId).toBe(call1?.stdin.deliveryId);
    expect(call1?.stdin).toMatchObject({ attempt: 1, redelivery: false });
    expect(call2?.stdin).toMatchObject({ attempt: 2, redelivery: true });
    expect(call2?.env).toMatchObject({
      DOCSORT_ATTEMPT: "2",
      DOCSORT_REDELIVERY: "true",
      DOCSORT_DELIVERY: call1?.stdin.deliveryId,
    });

    const extra = receiver.deliveries.length - 1 + calls(recorder.log).length - 1;
    expect(extra).toBeLessThanOrEqual(inFlight);
    const runs = JSON.parse((await runDocsort(["runs", "--json"], env)).stdout) as {
      status: string;
      interruptions: number;
    }[];
    expect(runs.map((r) => [r.status, r.interruptions])).toEqual([
      ["succeeded", 1],
      ["succeeded", 1],
    ]);
  });
});

import { copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { png } from "../extract/fixtures.js";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText } from "../support/ollama-server.js";
import { cachedDeflateBombPdf } from "../support/pdf-builder.js";
import { runDocsort, startDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";
import { waitUntil } from "../support/wait.js";

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  env.server.script((request) => {
    const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "other";
    return { kind: "json", value: { category, confidence: 0.9, summary: category, evidence: category } };
  });
});
afterEach(async () => env.cleanup());

function dropText(count: number): void {
  for (let i = 0; i < count; i += 1) {
    writeFileSync(
      path.join(env.inbox, `doc-${String(i).padStart(2, "0")}.txt`),
      `Document ${i}\ncategory: letter\nwith enough words to be classified.\n`,
    );
  }
}

function statusOf(home: string, name: string): string | undefined {
  return readDocuments(home).find((d) => d.name === name)?.status;
}

/** Document ids in the order their extraction started. */
function extractionOrder(): number[] {
  const db = new Database(path.join(env.home, "docsort.db"), { readonly: true });
  try {
    return db
      .prepare<[], { document_id: number }>(
        "SELECT document_id FROM events WHERE type = 'extracting' ORDER BY id",
      )
      .all()
      .map((row) => row.document_id);
  } finally {
    db.close();
  }
}

describe("documents that would stop docsort", () => {
  it("a document in flight at every crash is quarantined after 3, and waits behind fresh work meanwhile", async () => {
    // the scan is the first file: document #1
    env.writeConfig({ intake: { stableMs: 100 }, extract: { workers: 1 } });
    // OCR takes a moment: long enough to kill docsort while it reads this one
    writeFileSync(path.join(env.inbox, "a-scan.png"), await png(["INVOICE 4711", "Total due 120.00 EUR"]));
    let fresh = 0;
    for (let kill = 1; kill <= 3; kill += 1) {
      const watch = startDocsort(["watch"], env);
      // this run has started to read it (its `extracting` event), not the killed run before it
      await waitUntil(
        () =>
          statusOf(env.home, "a-scan.png") === "extracting" &&
          extractionOrder().filter((id) => id === 1).length === kill,
        `the scan to be read (${kill})`,
      );
      // new documents arrive meanwhile (queued behind it: one extraction process): they must not wait for the
      // one that keeps failing
      dropText(fresh + 3);
      fresh += 3;
      await waitUntil(() => readDocuments(env.home).length === fresh + 1, `${fresh} documents queued`);
      watch.kill("SIGKILL");
      await watch.exited;
    }
    const last = await runDocsort(["watch", "--once"], env);
    expect(last.code, last.stderr).toBe(0);
    const documents = readDocuments(env.home);
    const scan = documents.find((d) => d.name === "a-scan.png");
    expect(scan).toMatchObject({ status: "quarantined" });
    expect(scan?.reason).toMatch(
      /^docsort stopped while the document was extracting \(3 times\); quarantined .* docsort requeue 1/,
    );
    expect(documents.filter((d) => d.name !== "a-scan.png").every((d) => d.status === "done")).toBe(true);
    // after its first interruption, the scan was never claimed before a fresh document that was waiting
    const order = extractionOrder();
    const scanId = scan?.id ?? 0;
    expect(order.filter((id) => id === scanId)).toHaveLength(3);
    const secondTry = order.indexOf(scanId, order.indexOf(scanId) + 1);
    expect(order.slice(order.indexOf(scanId) + 1, secondTry).length).toBeGreaterThan(0);
  });

  it("a deflate bomb is stopped at the memory limit and quarantined; the rest goes on", async () => {
    env.writeConfig({ intake: { stableMs: 100 }, extract: { workers: 1, maxMemoryMb: 700 } });
    copyFileSync(await cachedDeflateBombPdf(800 * 1024 * 1024), path.join(env.inbox, "bomb.pdf"));
    dropText(3);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code, result.stderr).toBe(0);
    const documents = readDocuments(env.home);
    expect(documents.find((d) => d.name === "bomb.pdf")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(
        /^extraction stopped: it used \d+ MB.*over 90 % of extract\.maxMemoryMb \(700 MB\)/,
      ),
    });
    expect(documents.filter((d) => d.name !== "bomb.pdf").map((d) => d.status)).toEqual([
      "done",
      "done",
      "done",
    ]);
  });
});

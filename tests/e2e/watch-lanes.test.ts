import { utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { png } from "../extract/fixtures.js";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText } from "../support/ollama-server.js";
import { runDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  env.server.script((request) => {
    const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "invoice";
    return { kind: "json", value: { category, confidence: 0.9, summary: category, evidence: category } };
  });
});
afterEach(async () => env.cleanup());

/** (document name, event type) in the order the events were written. */
function events(): { name: string; type: string }[] {
  const db = new Database(path.join(env.home, "docsort.db"), { readonly: true });
  try {
    return db
      .prepare<[], { name: string; type: string }>(
        "SELECT d.name, e.type FROM events e JOIN documents d ON d.id = e.document_id ORDER BY e.id",
      )
      .all();
  } finally {
    db.close();
  }
}

describe("extraction lanes", () => {
  it("plain-text documents are read and classified while the scans that came first wait for OCR", async () => {
    // one extraction process, and the scans sort first: registered before the text files
    env.writeConfig({ intake: { stableMs: 60_000 }, extract: { workers: 1 } });
    const minuteAgo = new Date(Date.now() - 120_000);
    const files: string[] = [];
    for (const name of ["a-scan-1.png", "a-scan-2.png"]) {
      writeFileSync(path.join(env.inbox, name), await png([`INVOICE ${name}`, "Total due 120.00 EUR"]));
      files.push(name);
    }
    for (let i = 0; i < 4; i += 1) {
      const name = `z-note-${i}.txt`;
      writeFileSync(
        path.join(env.inbox, name),
        `Note ${i}\ncategory: letter\nwith enough words to classify.\n`,
      );
      files.push(name);
    }
    // waiting since before docsort started: stable at once, although stableMs is a minute
    for (const name of files) utimesSync(path.join(env.inbox, name), minuteAgo, minuteAgo);

    const run = await runDocsort(["watch", "--once"], env);
    expect(run.code, run.stderr).toBe(0);
    const documents = readDocuments(env.home);
    expect(documents.map((d) => [d.name, d.status]).sort()).toEqual(
      files.map((name) => [name, "done"]).sort(),
    );

    const order = events();
    const at = (name: string, type: string) => order.findIndex((e) => e.name === name && e.type === type);
    const firstScanRead = Math.min(at("a-scan-1.png", "extracted"), at("a-scan-2.png", "extracted"));
    expect(firstScanRead).toBeGreaterThan(-1);
    for (const name of files.filter((f) => f.endsWith(".txt"))) {
      expect(at(name, "extracted"), name).toBeGreaterThan(-1);
      expect(at(name, "extracted"), `${name} was read after a scan`).toBeLessThan(firstScanRead);
    }
    // the model's first request was a text document, not a scan
    const [first] = env.server.requests;
    expect(first && documentPart(lastUserText(first))).toMatch(/^Note \d/m);
  }, 120_000);
});

import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable, LABELED_DIR } from "../support/corpus.js";
import type { LlamaOllamaServer } from "../support/llama-ollama-server.js";
import {
  checkRealEngine,
  realEngineTitle,
  START_TIMEOUT_MS,
  startRealEngineServer,
} from "../support/real-engine.js";
import { type RunResult, runDocsort } from "../support/run-docsort.js";
import {
  type ClassificationRow,
  type DocRow,
  readClassifications,
  readDocuments,
} from "../support/store-reader.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";

/**
 * The whole product against the real engine: the built CLI, its ChatOllama client, the HTTP path, the llama.cpp
 * grammar and tokenizer. The model is random, so the categories are too; what is checked is that every document
 * ends in a recorded, explained state and that what docsort stored is what the engine said.
 */
const gate = await checkRealEngine();

const FILES = [
  "invoices/alpenglas_rechnung_2025-5521.txt",
  "letters/Kuendigung_Wartungsvertrag_latin1.txt",
  "other/minutes_facilities_committee_2025-05-14.md",
];
const REVIEW_REASONS = [
  /^low confidence \(/,
  /^the model's confidence .* is outside 0–1 \(asked twice\); recorded as 0$/,
  /^the model quoted no evidence from the document$/,
];

describe.skipIf(!gate.ok || !corpusAvailable)(
  realEngineTitle("docsort watch --once on the real engine", gate),
  () => {
    let server: LlamaOllamaServer;
    const dir = tempDir("docsort-real-engine-");
    const home = path.join(dir.path, "home");
    const inbox = path.join(dir.path, "inbox");
    let run: RunResult;
    let documents: DocRow[];
    let classifications: ClassificationRow[];

    beforeAll(async () => {
      server = await startRealEngineServer();
      mkdirSync(home, { recursive: true });
      mkdirSync(inbox, { recursive: true });
      for (const file of FILES)
        copyFileSync(path.join(LABELED_DIR, file), path.join(inbox, path.basename(file)));
      writeFileSync(
        path.join(home, "docsort.config.json"),
        JSON.stringify({ intake: { stableMs: 100 }, model: { name: "tiny-qwen2", maxRetries: 0 } }),
      );
      run = await runDocsort(["watch", "--once"], { home, inbox, ollamaHost: server.url }, START_TIMEOUT_MS);
      documents = readDocuments(home);
      classifications = readClassifications(home);
    }, START_TIMEOUT_MS * 2);
    afterAll(async () => {
      await server?.close();
      dir.cleanup();
    });

    const chats = () => server.requests.filter((r) => JSON.stringify(r.format).includes('"category"'));

    it("exits 0 with every document classified by the model once and in a final state", () => {
      expect(run.code, run.stderr).toBe(0);
      expect(documents).toHaveLength(FILES.length);
      for (const d of documents) {
        expect(["done", "needs_review"], `${d.name}: ${d.reason}`).toContain(d.status);
        expect(d).toMatchObject({ source: "llm", classifications: 1, claimed_by: null });
        expect(testConfig().taxonomy.map((c) => c.name)).toContain(d.category);
        expect(d.confidence).toBeGreaterThanOrEqual(0);
        expect(d.confidence).toBeLessThanOrEqual(1);
      }
    });

    it("a document in review says why, in words docsort chose", () => {
      const inReview = documents.filter((d) => d.status === "needs_review");
      for (const d of inReview) {
        expect(
          REVIEW_REASONS.some((reason) => reason.test(d.reason ?? "")),
          `${d.name}: ${d.reason}`,
        ).toBe(true);
      }
    });

    it("what docsort stored is what the engine answered, with the engine's own token counts", () => {
      expect(classifications).toHaveLength(FILES.length);
      for (const row of classifications) {
        const name = documents.find((d) => d.id === row.document_id)?.name ?? "";
        // The prompt names the file it carries: these are this document's first answer and, if any, its repair.
        const answered = chats().filter((r) =>
          r.messages.some((m) => m.content.includes(`File name: ${name}\n`)),
        );
        expect(answered.length, name).toBe(row.attempts);
        expect(row.raw_output, name).toBe(answered.map((r) => r.content).join("\n---\n"));
        const final = answered.at(-1);
        expect(row, name).toMatchObject({
          model: "tiny-qwen2",
          prompt_tokens: final?.result?.promptEvalCount,
          output_tokens: final?.result?.evalCount,
        });
        expect(row.prompt_tokens, name).toBe(server.countPromptTokens(final?.messages ?? [], 8192));
      }
    });

    it("every request docsort sent was converted to a grammar and answered completely", () => {
      expect(server.requests.length).toBeGreaterThanOrEqual(FILES.length);
      for (const request of server.requests) {
        expect(request).toMatchObject({ status: 200, aborted: false, grammar: { kind: "grammar" } });
        expect(request.result?.doneReason).toBe("stop");
        expect(() => JSON.parse(request.content)).not.toThrow();
      }
    });
  },
);

import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import {
  lastUserText,
  type OllamaServer,
  type RecordedRequest,
  type Reply,
  startOllamaServer,
} from "../support/ollama-server.js";
import { type RunResult, startDocsort } from "../support/run-docsort.js";
import { countEvents, readDocuments } from "../support/store-reader.js";
import { waitUntil } from "../support/wait.js";
import { prng } from "./prng.js";
import { reportFigures } from "./report.js";

const DOCUMENTS = 12;
const FINAL = new Set(["done", "needs_review", "failed", "quarantined", "duplicate"]);

function answer(request: RecordedRequest): Reply {
  const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "other";
  return { kind: "json", value: { category, confidence: 0.9, summary: category, evidence: category } };
}

interface Scenario {
  name: string;
  /** The fault, given a seeded random source and ms since the first request. */
  fault: (random: () => number, sinceFirstMs: number) => Reply | undefined;
  /** The server is down (connection refused) for this long after docsort starts. */
  downMs?: number;
}

const SCENARIOS: Scenario[] = [
  { name: "server down for 4 s", fault: () => undefined, downMs: 4000 },
  {
    name: "burst of HTTP 500 for 4 s",
    fault: (_, since) =>
      since < 4000 ? { kind: "error", status: 500, message: "llama runner crashed" } : undefined,
  },
  {
    name: "50 % HTTP 500",
    fault: (random) => (random() < 0.5 ? { kind: "error", status: 500, message: "busy" } : undefined),
  },
  { name: "30 % hangs (timeout 1.5 s)", fault: (random) => (random() < 0.3 ? { kind: "hang" } : undefined) },
  {
    name: "30 % garbage answers",
    fault: (random) =>
      random() < 0.3 ? { kind: "text", content: "Sure! Here is what I think: it's a letter." } : undefined,
  },
  {
    name: "30 % broken streams (error mid-stream)",
    fault: (random) => (random() < 0.3 ? { kind: "stream-error", message: "connection reset" } : undefined),
  },
  {
    name: "30 % truncated answers (stream ends early)",
    fault: (random) => (random() < 0.3 ? { kind: "no-done", content: '{"category": "let' } : undefined),
  },
];

const rows: string[][] = [
  ["fault", "documents", "done", "failed", "requests", "retried later", "breaker opened"],
];
let permanentlyFailed = 0;

afterAll(() => {
  reportFigures(
    "model-fault matrix (tests/faults/model-faults.test.ts)",
    { "documents permanently failed by transient faults": permanentlyFailed },
    rows,
  );
});

describe("model faults never fail a document for good", () => {
  it.each(SCENARIOS)("$name", async (scenario) => {
    const env: E2eEnv = await createE2eEnv();
    let server: OllamaServer = env.server;
    try {
      const random = prng(scenario.name.length);
      let first: number | undefined;
      const script = (request: RecordedRequest): Reply => {
        first ??= Date.now();
        return scenario.fault(random, Date.now() - first) ?? answer(request);
      };
      env.writeConfig({
        intake: { stableMs: 100 },
        model: { maxRetries: 2, timeoutMs: 1500, fallback: "wait" },
        reliability: {
          modelRetryBaseMs: 300,
          modelRetryMaxMs: 2000,
          breakerOpenMs: 1000,
          breakerMaxOpenMs: 4000,
        },
      });
      for (let i = 0; i < DOCUMENTS; i += 1) {
        writeFileSync(
          path.join(env.inbox, `doc-${i}.txt`),
          `Document ${i}\ncategory: ${i % 2 ? "letter" : "receipt"}\nwith enough words to classify it.\n`,
        );
      }
      let restart: Promise<void> | undefined;
      if (scenario.downMs) {
        const port = Number(new URL(env.ollamaHost).port);
        await server.close();
        restart = new Promise((resolve) => setTimeout(resolve, scenario.downMs)).then(async () => {
          server = await startOllamaServer({ port, responder: script });
        });
      } else server.script(script);

      // the daemon, not --once: --once stops when the model is not there, a daemon waits for it
      const watch = startDocsort(["watch"], env);
      let result: RunResult;
      let stalled: unknown;
      try {
        await restart;
        await waitUntil(
          () => {
            const documents = readDocuments(env.home);
            return documents.length === DOCUMENTS && documents.every((d) => FINAL.has(d.status));
          },
          `${DOCUMENTS} documents final`,
          300_000,
        ).catch((error: unknown) => {
          stalled = error;
        });
      } finally {
        result = await watch.stop();
      }
      if (stalled) {
        const states = readDocuments(env.home).map((d) => `${path.basename(d.path)} ${d.status}`);
        throw new Error(
          `${String(stalled)}\ndocuments: ${states.join(", ")}\nrequests: ${server.requests.length}\n` +
            `stderr (end):\n${result.stderr.slice(-4000)}`,
        );
      }
      const documents = readDocuments(env.home);
      const failed = documents.filter((d) => d.status === "failed").length;
      permanentlyFailed += failed;
      const retried = [...countEvents(env.home, "model_failed").values()].reduce((a, b) => a + b, 0);
      rows.push([
        scenario.name,
        String(documents.length),
        String(documents.filter((d) => d.status === "done").length),
        String(failed),
        String(server.requests.length),
        String(retried),
        String(result.stderr.match(/circuit breaker open/g)?.length ?? 0),
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(documents.map((d) => d.status)).toEqual(Array(DOCUMENTS).fill("done"));
    } finally {
      await server.close();
      await env.cleanup();
    }
  });
});

import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type OllamaServer, type Reply, startOllamaServer } from "../support/ollama-server.js";
import { runDocsort, startDocsort } from "../support/run-docsort.js";
import { readClassifications, readDocuments } from "../support/store-reader.js";
import { waitUntil } from "../support/wait.js";

let env: E2eEnv;
let second: OllamaServer;
beforeEach(async () => {
  env = await createE2eEnv();
  second = await startOllamaServer();
  env.writeConfig({
    intake: { stableMs: 100 },
    model: {
      hosts: [
        { url: env.server.url, parallel: 2 },
        { url: second.url, parallel: 2 },
      ],
    },
    reliability: { breakerOpenMs: 60_000 },
  });
});
afterEach(async () => {
  await second.close();
  await env.cleanup();
});

const CATEGORIES = ["receipt", "letter", "contract"];

/** Answers with the category written in the document ("category: receipt"). */
function echoCategory(latencyMs: number) {
  return (request: Parameters<typeof lastUserText>[0]): Reply => {
    const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "other";
    return {
      kind: "json",
      value: { category, confidence: 0.9, summary: "test document", evidence: `category: ${category}` },
      latencyMs,
    };
  };
}

function dropFiles(count: number): Map<string, string> {
  const expected = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    const name = `doc-${String(i).padStart(3, "0")}.txt`;
    const category = CATEGORIES[i % CATEGORIES.length] ?? "other";
    writeFileSync(
      path.join(env.inbox, name),
      `Document number ${i} of the batch.\ncategory: ${category}\nSome more words so the text is long enough.\n`,
    );
    expected.set(name, category);
  }
  return expected;
}

const hostOf = (details: string) => (JSON.parse(details) as { host?: string }).host;

describe("docsort with several model hosts (model.hosts)", () => {
  it("uses both hosts; one killed mid-run: every document ends right, the rest go to the other host", async () => {
    env.server.script(echoCategory(100));
    second.script(echoCategory(100));
    const expected = dropFiles(40);
    const watch = startDocsort(["watch", "--once"], env);
    await waitUntil(() => second.requests.length >= 6, "six answers from the second host", 120_000);
    await second.close();
    const run = await watch.exited;
    expect(run.code, run.stderr).toBe(0);

    const documents = readDocuments(env.home);
    expect(documents).toHaveLength(40);
    for (const document of documents) {
      expect(document).toMatchObject({ status: "done", category: expected.get(document.name) });
    }
    const hosts = readClassifications(env.home).map((c) => hostOf(c.details));
    const fromSecond = hosts.filter((h) => h === second.url).length;
    expect(fromSecond).toBeGreaterThan(0);
    expect(hosts.filter((h) => h === env.server.url).length).toBe(40 - fromSecond);
    expect(run.stderr).toMatch(new RegExp(`model server ${second.url}: circuit breaker open`));

    const stats = JSON.parse((await runDocsort(["stats", "--json"], env)).stdout) as {
      sample: { utilisation: { host: string; parallel: number; documents: number; utilisation: number }[] };
    };
    expect(stats.sample.utilisation.map((u) => [u.host, u.parallel, u.documents])).toEqual([
      [env.server.url, 2, 40 - fromSecond],
      [second.url, 2, fromSecond],
    ]);
    expect(stats.sample.utilisation.every((u) => u.utilisation > 0)).toBe(true);
    const text = await runDocsort(["stats"], env);
    expect(text.stdout).toContain(`model utilisation ${second.url} (parallel 2)`);
    expect(text.stdout).toContain(`${fromSecond} documents`);
  });

  it("every host down: documents wait; the first host that comes back takes them all", async () => {
    const port = Number(new URL(second.url).port);
    env.writeConfig({
      intake: { stableMs: 100 },
      model: {
        fallback: "wait",
        hosts: [
          { url: env.server.url, parallel: 1 },
          { url: second.url, parallel: 1 },
        ],
      },
    });
    const expected = dropFiles(6);
    await Promise.all([env.server.close(), second.close()]);
    const watch = startDocsort(["watch"], env);
    try {
      await waitUntil(
        () => {
          const documents = readDocuments(env.home);
          return (
            documents.length === 6 &&
            documents.every((d) => d.status === "queued" && d.classifications === 0) &&
            /no model host can be used/.test(watch.stderr)
          );
        },
        "every document waiting for the model, and one line saying why",
        120_000,
      );

      second = await startOllamaServer({ port });
      second.script(echoCategory(0));
      await waitUntil(
        () => readDocuments(env.home).every((d) => d.status === "done"),
        "every document done by the host that came back",
        120_000,
      );
      for (const document of readDocuments(env.home))
        expect(document.category).toBe(expected.get(document.name));
      expect(readClassifications(env.home).every((c) => hostOf(c.details) === second.url)).toBe(true);
    } finally {
      await watch.stop();
    }
  });

  it("doctor checks and names every host", async () => {
    // (no database yet: doctor fails for that; only the model checks matter here)
    const both = await runDocsort(["doctor"], env);
    expect(both.stdout).not.toMatch(/FAIL\s+(ollama|model)/);
    for (const url of [env.server.url, second.url]) {
      expect(both.stdout).toContain(`ok    ollama: ${url} (Ollama 0.12.3)`);
      expect(both.stdout).toContain(`ok    model: llama3.2, num_ctx 8192 at ${url} (parallel 2)`);
    }

    second.setModels([]);
    const missing = await runDocsort(["doctor"], env);
    expect(missing.stdout).toContain(`ok    model: llama3.2, num_ctx 8192 at ${env.server.url} (parallel 2)`);
    expect(missing.stdout).toContain(`FAIL  model: model llama3.2 not found at ${second.url}`);
    expect(missing.stdout).toContain(`→ ollama pull llama3.2 on ${second.url}`);

    await second.close();
    const down = await runDocsort(["doctor"], env);
    expect(down.stdout).toContain(`ok    ollama: ${env.server.url} (Ollama 0.12.3)`);
    expect(down.stdout).toContain(`FAIL  ollama: Ollama is not reachable at ${second.url}`);
    expect(down.stdout).toContain(`start Ollama at ${second.url}`);
  });
});

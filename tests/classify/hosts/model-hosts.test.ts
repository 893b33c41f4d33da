import { afterEach, describe, expect, it } from "vitest";
import { ModelHosts, QUEUED_AT_HOST } from "../../../src/classify/hosts/model-hosts.js";
import { type LlmClassification, LlmClassifier } from "../../../src/classify/llm-classifier.js";
import { ModelCallError } from "../../../src/classify/model-errors.js";
import { loadPromptTemplate } from "../../../src/classify/prompt-template.js";
import {
  lastUserText,
  type OllamaServer,
  type Reply,
  startOllamaServer,
} from "../../support/ollama-server.js";
import { testConfig } from "../../support/test-config.js";
import { waitUntil } from "../../support/wait.js";

const servers: OllamaServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(port?: number): Promise<OllamaServer> {
  const started = await startOllamaServer(port === undefined ? {} : { port });
  servers.push(started);
  return started;
}

/** Answers with the category named in the document ("category: receipt"), which comes last in the prompt. */
function echo(latencyMs = 0) {
  return (request: Parameters<typeof lastUserText>[0]): Reply => {
    const named = [...lastUserText(request).matchAll(/category: (\w+)/g)].at(-1);
    const category = named?.[1] ?? "other";
    return {
      kind: "json",
      value: { category, confidence: 0.9, summary: "a test document", evidence: `category: ${category}` },
      latencyMs,
    };
  };
}

function setup(hosts: { url: string; parallel: number }[], breaker = { failures: 2, openMs: 100 }) {
  const config = testConfig({ model: { hosts } });
  const modelHosts = new ModelHosts({
    hosts: config.model.hosts,
    breakerFailures: breaker.failures,
    breakerOpenMs: breaker.openMs,
    breakerMaxOpenMs: breaker.openMs,
  });
  const classifier = new LlmClassifier({
    model: config.model,
    categories: config.taxonomy,
    prompt: loadPromptTemplate(config.prompts, "classify"),
    retryDelayMs: 10,
    hosts: modelHosts,
  });
  return { modelHosts, classifier };
}

const CATEGORIES = ["receipt", "letter", "invoice", "contract"];
const documentText = (i: number) =>
  `Document ${i} of the run.\ncategory: ${CATEGORIES[i % CATEGORIES.length]}\nMore words for the text.`;

function classifyMany(classifier: LlmClassifier, count: number): Promise<LlmClassification>[] {
  return Array.from({ length: count }, (_, i) =>
    classifier.classify({ text: documentText(i), name: `doc-${i}.txt` }),
  );
}

function expectRight(results: readonly LlmClassification[]): void {
  results.forEach((result, i) => {
    expect(result.category).toBe(CATEGORIES[i % CATEGORIES.length]);
  });
}

describe("several model hosts (real HTTP to two loopback Ollama servers)", () => {
  it("sends requests to the least-loaded host: both are used, neither beyond its parallel + 1", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo(100));
    b.script(echo(100));
    const { classifier } = setup([
      { url: a.url, parallel: 2 },
      { url: b.url, parallel: 2 },
    ]);
    const results = await Promise.all(classifyMany(classifier, 12));
    expectRight(results);
    expect(a.requests.length).toBe(6);
    expect(b.requests.length).toBe(6);
    // one request beyond `parallel` waits at the server (QUEUED_AT_HOST); the rest wait in docsort
    expect(a.maxConcurrent).toBe(2 + QUEUED_AT_HOST);
    expect(b.maxConcurrent).toBe(2 + QUEUED_AT_HOST);
    const answeredBy = new Set(results.map((r) => r.host));
    expect(answeredBy).toEqual(new Set([a.url, b.url]));
  });

  it("weighs the load by each host's parallel", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo(150));
    b.script(echo(150));
    const { classifier } = setup([
      { url: a.url, parallel: 1 },
      { url: b.url, parallel: 3 },
    ]);
    const results = await Promise.all(classifyMany(classifier, 4));
    expectRight(results);
    expect(a.requests.length).toBe(1);
    expect(b.requests.length).toBe(3);
  });

  it("a request waiting for a free slot ends when docsort stops, and is never sent", async () => {
    const a = await server();
    a.script(() => ({ kind: "hang" }));
    const { classifier } = setup([{ url: a.url, parallel: 1 }]);
    const stop = new AbortController();
    const running = Array.from({ length: 1 + QUEUED_AT_HOST }, (_, i) =>
      classifier.classify({ text: documentText(i), name: "x" }, stop.signal).catch((e: unknown) => e),
    );
    await waitUntil(() => a.activeRequests === 1 + QUEUED_AT_HOST, "the host full");
    const waiting = classifier
      .classify({ text: documentText(9), name: "x" }, stop.signal)
      .catch((e: unknown) => e);
    stop.abort();
    const errors = await Promise.all([...running, waiting]);
    // p-retry rejects with the signal's reason (AbortError) as soon as the signal aborts, in flight or waiting
    for (const error of errors) {
      const cancelled = error instanceof ModelCallError && error.kind === "cancelled";
      expect(cancelled || (error instanceof Error && error.name === "AbortError"), String(error)).toBe(true);
    }
    expect(a.requests).toHaveLength(1 + QUEUED_AT_HOST);
  });

  it("a host killed mid-run: its requests in flight are answered by the other at once, not counted as failures", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo(50));
    b.script(() => ({ kind: "hang" }));
    const { classifier, modelHosts } = setup(
      [
        { url: a.url, parallel: 2 },
        { url: b.url, parallel: 2 },
      ],
      { failures: 2, openMs: 60_000 },
    );
    const running = classifyMany(classifier, 10);
    await waitUntil(() => b.activeRequests >= 2, "requests hanging on the second host");
    await b.close();
    const results = await Promise.all(running);
    expectRight(results);
    expect(results.every((r) => r.host === a.url)).toBe(true);
    expect(results.every((r) => r.retries === 0)).toBe(true);
    expect(b.requests.length).toBeGreaterThanOrEqual(2);
    expect(a.requests.length).toBe(10);
    // further requests do not try the dead host
    const after = b.requests.length;
    expectRight(await Promise.all(classifyMany(classifier, 4)));
    expect(b.requests.length).toBe(after);
    expect(modelHosts.loads().map((h) => h.state)).toEqual(["closed", "open"]);
  });

  it("a host answering 500 is left for the other after breakerFailures, and the document never sees it", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo());
    b.script(() => ({ kind: "error", status: 500, message: "out of memory" }));
    const { classifier, modelHosts } = setup(
      [
        { url: b.url, parallel: 1 },
        { url: a.url, parallel: 1 },
      ],
      { failures: 2, openMs: 60_000 },
    );
    const results: LlmClassification[] = [];
    for (let i = 0; i < 6; i += 1)
      results.push(await classifier.classify({ text: documentText(i), name: "x" }));
    expectRight(results);
    expect(results.every((r) => r.host === a.url && r.retries === 0)).toBe(true);
    expect(b.requests.length).toBe(2);
    expect(modelHosts.loads()[0]?.state).toBe("open");
  });

  it("a host without the model is taken out at once; the other answers", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo());
    b.setModels([]);
    const { classifier, modelHosts } = setup(
      [
        { url: b.url, parallel: 1 },
        { url: a.url, parallel: 1 },
      ],
      { failures: 5, openMs: 60_000 },
    );
    const results: LlmClassification[] = [];
    for (let i = 0; i < 3; i += 1)
      results.push(await classifier.classify({ text: documentText(i), name: "x" }));
    expectRight(results);
    expect(results.every((r) => r.host === a.url && r.retries === 0)).toBe(true);
    expect(b.requests.length).toBe(1);
    expect(modelHosts.loads()[0]?.state).toBe("open");
  });

  it("a host that comes back is probed (half-open) and used again", async () => {
    const [a, b] = [await server(), await server()];
    a.script(echo());
    b.script(echo());
    const { classifier, modelHosts } = setup([
      { url: a.url, parallel: 1 },
      { url: b.url, parallel: 1 },
    ]);
    const port = Number(new URL(b.url).port);
    await b.close();
    expectRight(await Promise.all(classifyMany(classifier, 4)));
    expect(modelHosts.loads()[1]?.state).not.toBe("closed");

    const back = await server(port);
    back.script(echo());
    await waitUntil(async () => {
      const result = await classifier.classify({ text: documentText(1), name: "x" });
      return result.host === back.url;
    }, "a request answered by the host that came back");
    expect(modelHosts.loads()[1]?.state).toBe("closed");
    const results = await Promise.all(classifyMany(classifier, 8));
    expectRight(results);
    expect(new Set(results.map((r) => r.host))).toEqual(new Set([a.url, back.url]));
  });

  it("only when every host is down does the caller get an error, naming every host", async () => {
    const [a, b] = [await server(), await server()];
    const { classifier } = setup(
      [
        { url: a.url, parallel: 1 },
        { url: b.url, parallel: 1 },
      ],
      { failures: 2, openMs: 60_000 },
    );
    await Promise.all([a.close(), b.close()]);
    const error = await classifier.classify({ text: documentText(0), name: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).kind).toBe("unavailable");
    expect((error as ModelCallError).message).toContain(a.url);
    expect((error as ModelCallError).message).toContain(b.url);
    // both breakers are open now: the next call is held back until the first may be tried again
    const held = await classifier.classify({ text: documentText(0), name: "x" }).catch((e: unknown) => e);
    expect((held as ModelCallError).kind).toBe("circuit_open");
    expect((held as ModelCallError).retryAt).toBeGreaterThan(Date.now());
  });
});

import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type Reply } from "../support/ollama-server.js";
import { runDocsort, startDocsort } from "../support/run-docsort.js";
import { countEvents, eventTimes, readDocuments } from "../support/store-reader.js";
import { waitUntil } from "../support/wait.js";

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  env.writeConfig({ intake: { stableMs: 200 } });
});
afterEach(async () => env.cleanup());

/** Answers with the category written in the document ("category: receipt"). */
function echoCategory(extra: Partial<Reply> = {}) {
  return (request: Parameters<typeof lastUserText>[0]): Reply => {
    const match = /category: (\w+)/.exec(documentPart(lastUserText(request)));
    return {
      kind: "json",
      value: {
        category: match?.[1] ?? "other",
        confidence: 0.9,
        summary: "test document",
        evidence: match?.[0] ?? "",
      },
      ...extra,
    } as Reply;
  };
}

function dropTextFiles(count: number, prefix = "doc"): void {
  for (let i = 0; i < count; i += 1) {
    const category = i % 2 === 0 ? "receipt" : "letter";
    writeFileSync(
      path.join(env.inbox, `${prefix}-${String(i).padStart(3, "0")}.txt`),
      `Document number ${i} of the batch.\ncategory: ${category}\nSome more words so the text is long enough.\n`,
    );
  }
}

const until = (condition: () => boolean, _timeoutMs: number, what: string) =>
  waitUntil(condition, what, 120_000);

/** The model is no longer asked: every document waits in the queue with its text stored. */
function allWaitingForModel(expected: number): boolean {
  const waiting = countEvents(env.home, "waiting");
  const documents = readDocuments(env.home);
  return documents.length === expected && documents.every((d) => d.status === "queued" && waiting.has(d.id));
}

describe("docsort watch, when things go wrong", () => {
  it("waits while the model is missing, logs one clear line, and processes everything once it is pulled", async () => {
    env.server.setModels([]);
    env.server.script(echoCategory());
    dropTextFiles(3);
    const watch = startDocsort(["watch"], env);
    try {
      await watch.waitForOutput(
        /model llama3\.2 not found at http:\/\/127\.0\.0\.1:\d+: run "ollama pull llama3\.2"/,
      );
      await until(() => allWaitingForModel(3), 60_000, "3 documents waiting for the model");
      expect(watch.stderr.match(/not found/g)).toHaveLength(1);
      expect(env.server.requests).toHaveLength(0);

      env.server.setModels(["llama3.2:latest"]);
      await until(() => readDocuments(env.home).every((d) => d.status === "done"), 20_000, "documents done");
      expect(watch.stderr).toContain("the model is reachable again");
    } finally {
      await watch.stop();
    }
  });

  it("kill -9 in the middle of a run: after a restart every document ends exactly once", async () => {
    env.server.script(echoCategory({ latencyMs: 150 }));
    dropTextFiles(20);
    const first = startDocsort(["watch"], env);
    await until(
      () => readDocuments(env.home).filter((d) => d.status === "done").length >= 5,
      30_000,
      "5 done",
    );
    first.kill("SIGKILL");
    await first.exited;
    const interrupted = readDocuments(env.home);
    expect(interrupted.some((d) => d.status !== "done")).toBe(true);

    const second = await runDocsort(["watch", "--once"], env);
    expect(second.code).toBe(0);
    const documents = readDocuments(env.home);
    expect(documents).toHaveLength(20);
    const classified = countEvents(env.home, "classified");
    for (const d of documents) {
      expect(d).toMatchObject({ status: "done", classifications: 1, claimed_by: null });
      expect(classified.get(d.id)).toBe(1);
    }
  });

  it("a file written slowly in chunks is taken only once it is complete", async () => {
    env.server.script(echoCategory());
    // a long stability window: the writer below appends well within it however slow the machine is
    env.writeConfig({ intake: { stableMs: 3000 } });
    const watch = startDocsort(["watch"], env);
    try {
      await watch.waitForWatching();
      const file = path.join(env.inbox, "slow-scan.txt");
      writeFileSync(file, "Scanner output, page 1 of 5.\n");
      for (let page = 2; page <= 5; page += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        appendFileSync(file, `Scanner output, page ${page} of 5.\n`);
      }
      appendFileSync(file, "category: letter\nEND OF SCAN\n");
      await until(() => readDocuments(env.home)[0]?.status === "done", 15_000, "the scan to be done");
      // a second file dropped later is taken and done: by then intake has long seen the scan's final state
      writeFileSync(
        path.join(env.inbox, "later.txt"),
        "A later letter.\ncategory: letter\nwith enough words.\n",
      );
      await until(() => readDocuments(env.home).filter((d) => d.status === "done").length === 2, 0, "2 done");
      const documents = readDocuments(env.home);
      expect(documents).toHaveLength(2);
      expect(env.server.requests).toHaveLength(2);
      expect(documentPart(lastUserText(env.server.requests[0] as never))).toContain("END OF SCAN");
    } finally {
      await watch.stop();
    }
  });

  it("200 files dropped at once all reach a final state", async () => {
    env.server.script(echoCategory());
    const watch = startDocsort(["watch"], env);
    try {
      await watch.waitForWatching();
      dropTextFiles(200, "batch");
      await until(
        () => {
          const docs = readDocuments(env.home);
          return docs.length === 200 && docs.every((d) => d.status === "done");
        },
        90_000,
        "200 documents done",
      );
      expect(env.server.requests).toHaveLength(200);
      expect(env.server.maxConcurrent).toBe(1);
    } finally {
      await watch.stop();
    }
  });

  it("extraction runs ahead of the model, so the model never waits for it", async () => {
    // the model requests are held until every document's text is stored and the next request waits at the
    // server: that only happens if extraction goes on while the model is busy and docsort queues one request
    // behind the busy slot (else the test fails at the deadline, whatever the machine's speed)
    const answer = echoCategory();
    let ahead: Promise<boolean> | undefined;
    env.server.script(async (request) => {
      ahead ??= waitUntil(
        () => countEvents(env.home, "extracted").size === 4 && env.server.requests.length >= 2,
        "4 extracted and a second request waiting",
        120_000,
      ).then(
        () => true,
        () => false,
      );
      await ahead;
      return answer(request);
    });
    dropTextFiles(4);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(0);
    expect(await ahead).toBe(true);
    const times = eventTimes(env.home);
    const firstClassified = Math.min(...times.filter((e) => e.type === "classified").map((e) => e.at));
    const extracted = times.filter((e) => e.type === "extracted").map((e) => e.at);
    expect(extracted).toHaveLength(4);
    expect(Math.max(...extracted)).toBeLessThanOrEqual(firstClassified);
    // model.parallel (1) plus the one request that waits at the server for the next free slot
    expect(env.server.maxConcurrent).toBe(2);
  });

  it("SIGTERM stops cleanly: the request in flight is cancelled and its document goes back to the queue", async () => {
    env.server.script(() => ({ kind: "hang" }));
    dropTextFiles(1);
    const watch = startDocsort(["watch"], env);
    await env.server.waitForRequests(1, 20_000);
    const result = await watch.stop();
    expect(result.code).toBe(0);
    await env.server.waitForIdle(5000);
    expect(env.server.requests[0]?.aborted).toBe(true);
    expect(readDocuments(env.home)).toMatchObject([{ status: "queued", claimed_by: null }]);
    expect(countEvents(env.home, "interrupted").size).toBe(1);
  });

  it("a burst of server errors fails no document: each waits, is tried again, and ends done", async () => {
    env.writeConfig({
      intake: { stableMs: 100 },
      model: { maxRetries: 1 },
      reliability: { modelRetryBaseMs: 50, modelRetryMaxMs: 200, breakerFailures: 1000 },
    });
    const answer = echoCategory();
    let calls = 0;
    env.server.script((request) => {
      calls += 1;
      // the first 12 requests fail: every document is hit, most of them twice (the immediate retry too)
      return calls <= 12
        ? { kind: "error", status: 500, message: "llama runner process has terminated" }
        : answer(request);
    });
    dropTextFiles(4);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code, result.stderr).toBe(0);
    const documents = readDocuments(env.home);
    expect(documents.map((d) => d.status)).toEqual(["done", "done", "done", "done"]);
    expect([...countEvents(env.home, "model_failed").values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("a document fails only after the model failed on it on N separate occasions, every reason in show", async () => {
    env.writeConfig({
      intake: { stableMs: 100 },
      model: { maxRetries: 1 },
      reliability: {
        modelRetryBaseMs: 50,
        modelRetryMaxMs: 100,
        modelFailOccasions: 3,
        modelFailAfterMs: 0,
        breakerFailures: 1000,
      },
    });
    env.server.script(() => ({ kind: "error", status: 500, message: "llama runner process has terminated" }));
    dropTextFiles(1);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(0);
    expect(env.server.requests).toHaveLength(6);
    const [doc] = readDocuments(env.home);
    expect(doc?.status).toBe("failed");
    expect(doc?.reason).toMatch(
      /^Ollama answered 500: llama runner process has terminated \(the model failed on this document 3 times over/,
    );
    const shown = await runDocsort(["show", String(doc?.id), "--json"], env);
    const events = (JSON.parse(shown.stdout) as { events: { type: string; message: string | null }[] })
      .events;
    const failures = events.filter((e) => e.type === "model_failed" || e.type === "failed");
    expect(failures).toHaveLength(3);
    for (const event of failures) expect(event.message).toMatch(/Ollama answered 500/);
  });

  it("with the default window a failing model never fails a document: --once says it waits", async () => {
    env.writeConfig({ intake: { stableMs: 100 }, model: { maxRetries: 0 } });
    env.server.script(() => ({ kind: "error", status: 503, message: "busy" }));
    dropTextFiles(1);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/1 document\(s\) are still queued: they wait for another try of the model/);
    expect(readDocuments(env.home)[0]).toMatchObject({ status: "queued", claimed_by: null });
  });

  it("a model that hangs is cut off at the timeout, and the HTTP request is really closed", async () => {
    env.writeConfig({
      intake: { stableMs: 100 },
      model: { maxRetries: 0, timeoutMs: 500 },
      reliability: { modelFailOccasions: 1, modelFailAfterMs: 0 },
    });
    env.server.script(() => ({ kind: "hang" }));
    dropTextFiles(1);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(0);
    await env.server.waitForIdle(30_000);
    expect(env.server.requests[0]?.aborted).toBe(true);
    expect(readDocuments(env.home)[0]).toMatchObject({ status: "failed" });
    expect(readDocuments(env.home)[0]?.reason).toMatch(/^the model did not answer within 0\.5 s/);
  });

  it("an answer that breaks the schema twice counts as a model failure and keeps the raw output", async () => {
    env.writeConfig({
      intake: { stableMs: 100 },
      reliability: { modelFailOccasions: 1, modelFailAfterMs: 0 },
    });
    env.server.script(() => ({ kind: "json", value: { category: "spaceship", confidence: 2 } }));
    dropTextFiles(1);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(0);
    expect(env.server.requests).toHaveLength(2);
    const [doc] = readDocuments(env.home);
    expect(doc?.status).toBe("failed");
    expect(doc?.reason).toMatch(/did not match the schema twice: category/);
    const shown = await runDocsort(["show", String(doc?.id), "--json"], env);
    const details = JSON.parse(shown.stdout) as {
      events: { type: string; data: { rawOutputs?: string[] } | null }[];
    };
    const failure = details.events.find((e) => e.type === "failed");
    expect(failure?.data?.rawOutputs).toEqual([
      '{"category":"spaceship","confidence":2}',
      '{"category":"spaceship","confidence":2}',
    ]);
  });

  it("a server that fails everything trips the circuit breaker: one line when it opens, none per request", async () => {
    env.writeConfig({
      intake: { stableMs: 100 },
      model: { maxRetries: 0 },
      // open for long: --once does not wait for the trial request
      reliability: {
        breakerFailures: 3,
        breakerOpenMs: 600_000,
        breakerMaxOpenMs: 600_000,
        modelRetryBaseMs: 10,
      },
    });
    env.server.script(() => ({ kind: "error", status: 500, message: "out of memory" }));
    dropTextFiles(6);
    const result = await runDocsort(["watch", "--once"], env);
    expect(result.code).toBe(1);
    // three failures open the breaker; then nothing more is sent while it is open (a request already on its way
    // when it opened, the one beyond model.parallel, may arrive: at most one)
    expect(env.server.requests.length).toBeGreaterThanOrEqual(3);
    expect(env.server.requests.length).toBeLessThanOrEqual(4);
    expect(result.stderr.match(/circuit breaker open/g)).toHaveLength(1);
    expect(readDocuments(env.home).every((d) => d.status === "queued")).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { executeRun } from "../../src/handlers/execute-run.js";
import { defineHandlerKind, HandlerFailure } from "../../src/handlers/handler-kind.js";
import { HandlerRegistry } from "../../src/handlers/index.js";
import { OutboxWorker } from "../../src/handlers/outbox-worker.js";
import { recoverRuns } from "../../src/handlers/recover-runs.js";
import { retryDelayMs } from "../../src/handlers/retry-delay.js";
import { silentLogger } from "../../src/log/logger.js";
import { routeDocument } from "../../src/route/route-document.js";
import { isoAfter, nowIso } from "../../src/store/clock.js";
import { addDocument, type Fixture, openFixture, services } from "./fixtures.js";

/** A kind that fails `failures` times (retryable, or not), then succeeds; it counts its calls. */
let calls = 0;
const flaky = defineHandlerKind({
  name: "flaky",
  description: "test kind",
  configSchema: z.strictObject({ failures: z.int().default(0), fatal: z.boolean().default(false) }),
  exampleConfig: {},
  async run({ config }) {
    calls += 1;
    if (calls <= config.failures)
      throw new HandlerFailure(`failure ${calls}`, { retry: !config.fatal, output: "out" });
    return { summary: `worked after ${calls}` };
  },
});
const registry = new HandlerRegistry([flaky]);

let fixture: Fixture;
beforeEach(() => {
  calls = 0;
  fixture = openFixture();
});
afterEach(() => fixture.cleanup());

function setup(config: Record<string, unknown>) {
  fixture.store.handlers.add(
    {
      name: "h",
      kind: "flaky",
      config,
      trigger: "document.classified",
      categories: ["letter"],
      minConfidence: 0,
      enabled: true,
    },
    nowIso(),
  );
  const doc = addDocument(fixture, { name: "a.txt", text: "Dear Sir", category: "letter" });
  routeDocument(fixture.store, doc.id);
  const [run] = fixture.store.handlerRuns.forDocument(doc.id);
  if (!run) throw new Error("no run");
  return { doc, run };
}

const deps = (outbox: Record<string, unknown> = {}) => ({
  services: services(fixture, { outbox: { retryBaseMs: 1000, retryMaxMs: 4000, maxAttempts: 3, ...outbox } }),
  registry,
});

describe("the outbox", () => {
  it("claims a due run exactly once, even with two owners asking", () => {
    const { run } = setup({});
    const first = fixture.store.handlerRuns.claim(run.id, "owner-a", nowIso());
    const second = fixture.store.handlerRuns.claim(run.id, "owner-b", nowIso());
    expect(first).toMatchObject({ status: "running", claimedBy: "owner-a", attempts: 1 });
    expect(second).toBeUndefined();
    expect(fixture.store.handlerRuns.claimNextDue("owner-b", nowIso())).toBeUndefined();
  });

  it("a run of a disabled handler waits, untouched, until the handler is enabled again", () => {
    const { run } = setup({});
    fixture.store.handlers.setEnabled("h", false, nowIso());
    expect(fixture.store.handlerRuns.claimNextDue("owner-a", nowIso())).toBeUndefined();
    expect(fixture.store.handlerRuns.claim(run.id, "owner-a", nowIso())).toBeUndefined();
    expect(fixture.store.handlerRuns.get(run.id)).toMatchObject({ status: "pending", attempts: 0 });
    fixture.store.handlers.setEnabled("h", true, nowIso());
    expect(fixture.store.handlerRuns.claimNextDue("owner-a", nowIso())).toMatchObject({
      id: run.id,
      attempts: 1,
    });
  });

  it("a failed attempt stores its next attempt time (backoff); after maxAttempts the run is dead", async () => {
    const { run } = setup({ failures: 10 });
    const signal = new AbortController().signal;
    const claim = () => fixture.store.handlerRuns.claim(run.id, "me", isoAfter(10_000_000));
    const before = Date.now();
    const failed = await executeRun(deps(), claim() ?? run, signal);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, lastError: "failure 1", output: "out" });
    const delay = Date.parse(failed.nextAttemptAt ?? "") - before;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(1000 + 50);
    expect(fixture.store.handlerRuns.claim(run.id, "me", nowIso())).toBeUndefined();
    await executeRun(deps(), claim() ?? run, signal);
    const dead = await executeRun(deps(), claim() ?? run, signal);
    expect(dead).toMatchObject({ status: "dead", attempts: 3, nextAttemptAt: null });
    expect(dead.lastError).toContain("gave up after 3 attempts");
    const events = fixture.store.events.forDocument(run.documentId).map((e) => e.type);
    expect(events.filter((t) => t === "handler.failed")).toHaveLength(2);
    expect(events).toContain("handler.dead");
  });

  it("a failure that cannot be retried is dead at once; requeue gives fresh attempts", async () => {
    const { run } = setup({ failures: 1, fatal: true });
    const signal = new AbortController().signal;
    const dead = await executeRun(
      deps(),
      fixture.store.handlerRuns.claim(run.id, "me", nowIso()) ?? run,
      signal,
    );
    expect(dead).toMatchObject({ status: "dead", attempts: 1 });
    const [requeued] = fixture.store.handlerRuns.requeue([run.id], nowIso());
    expect(requeued).toMatchObject({ status: "pending", attempts: 0 });
    const done = await executeRun(
      deps(),
      fixture.store.handlerRuns.claim(run.id, "me", nowIso()) ?? run,
      signal,
    );
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, output: "worked after 2" });
  });

  it("a run whose handler was removed, or whose config became invalid, is dead with the reason", async () => {
    const { run } = setup({});
    fixture.store.db.prepare("UPDATE handlers SET config = ? WHERE name = 'h'").run('{"failures":"x"}');
    const signal = new AbortController().signal;
    const invalid = await executeRun(
      deps(),
      fixture.store.handlerRuns.claim(run.id, "me", nowIso()) ?? run,
      signal,
    );
    expect(invalid.lastError).toMatch(/config of h is invalid: failures: .*\(got "x"\)/);
    fixture.store.handlers.remove("h");
    fixture.store.handlerRuns.requeue([run.id], nowIso());
    const removed = await executeRun(
      deps(),
      fixture.store.handlerRuns.claim(run.id, "me", nowIso()) ?? run,
      signal,
    );
    expect(removed).toMatchObject({ status: "dead", lastError: "the handler h was removed" });
  });

  it("a run left running by a dead process is due again after recovery", () => {
    const { run } = setup({});
    fixture.store.instances.register({
      id: "gone",
      pid: 2 ** 22 + 12345,
      command: "watch",
      startedAt: nowIso(),
      heartbeatAt: nowIso(),
    });
    fixture.store.handlerRuns.claim(run.id, "gone", nowIso());
    expect(recoverRuns(fixture.store, silentLogger)).toBe(1);
    expect(fixture.store.handlerRuns.get(run.id)).toMatchObject({
      status: "pending",
      claimedBy: null,
      attempts: 1,
    });
  });

  it("the worker drains what is due, and never runs two runs of one document at the same time", async () => {
    fixture.store.handlers.add(
      {
        name: "h2",
        kind: "flaky",
        config: {},
        trigger: "document.classified",
        categories: ["letter"],
        minConfidence: 0,
        enabled: true,
      },
      nowIso(),
    );
    const { doc } = setup({});
    const worker = new OutboxWorker({ ...deps({ concurrency: 4 }), owner: "me" });
    await worker.drain();
    await worker.stop();
    const runs = fixture.store.handlerRuns.forDocument(doc.id);
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(Date.parse(runs[1]?.startedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(runs[0]?.finishedAt ?? ""),
    );
  });

  it("backoff is exponential with full jitter, capped, and never shorter than Retry-After", () => {
    const options = { baseMs: 1000, maxMs: 8000 };
    expect(retryDelayMs(1, options, () => 1)).toBe(1000);
    expect(retryDelayMs(3, options, () => 1)).toBe(4000);
    expect(retryDelayMs(10, options, () => 1)).toBe(8000);
    expect(retryDelayMs(3, options, () => 0)).toBe(0);
    expect(retryDelayMs(1, { ...options, retryAfterMs: 5000 }, () => 0.5)).toBe(5000);
  });
});

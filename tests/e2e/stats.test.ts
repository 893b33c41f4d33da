import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, type E2eEnv } from "../support/e2e-env.js";
import { runDocsort } from "../support/run-docsort.js";

let env: E2eEnv;

beforeAll(async () => {
  env = await createE2eEnv();
  env.server.script(() => ({
    kind: "json",
    value: { category: "letter", confidence: 0.91, summary: "A letter", evidence: "Dear Ms Weber" },
    promptEvalCount: 412,
    evalCount: 31,
  }));
});
afterAll(async () => env?.cleanup());

describe("docsort stats", () => {
  it("reads nothing and creates no data folder when there is no database", async () => {
    const home = path.join(env.root, "never-used");
    const result = await runDocsort(["stats"], { ...env, home, cwd: env.root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("no database");
    expect(existsSync(home)).toBe(false);
    const json = await runDocsort(["stats", "--json"], { ...env, home, cwd: env.root });
    expect(JSON.parse(json.stdout)).toBeNull();
    expect(existsSync(home)).toBe(false);
  });

  it("reports what a run did: statuses, categories, stage latencies, tokens, model utilisation", async () => {
    writeFileSync(
      path.join(env.inbox, "a.txt"),
      "Dear Ms Weber,\nwe are writing about your account.\nKind regards\n",
    );
    writeFileSync(
      path.join(env.inbox, "b.txt"),
      "Dear Mr Okafor,\nthank you for your letter of May 3.\nRegards\n",
    );
    writeFileSync(path.join(env.inbox, "empty.txt"), "ok\n");
    writeFileSync(path.join(env.home, "docsort.config.json"), JSON.stringify({ intake: { stableMs: 50 } }));
    const run = await runDocsort(["watch", "--once"], env);
    expect(run.code, run.stderr).toBe(0);

    const result = await runDocsort(["stats", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    const stats = JSON.parse(result.stdout);
    expect(stats.documents.total).toBe(3);
    expect(stats.documents.byStatus).toMatchObject({ done: 2, needs_review: 1 });
    expect(stats.documents.byCategory).toEqual({ letter: 2 });
    expect(stats.throughput).toHaveLength(1);
    expect(stats.throughput[0].finished).toBe(3);
    expect(stats.sample.latency.model.count).toBe(2);
    expect(stats.sample.latency.total.count).toBe(3);
    expect(stats.sample.tokens).toMatchObject({
      documents: 2,
      promptPerDocument: 412,
      outputPerDocument: 31,
    });
    expect(stats.sample.utilisation).toHaveLength(1);
    expect(stats.sample.utilisation[0].host).toBe(env.ollamaHost);
    expect(stats.sample.utilisation[0].utilisation).toBeGreaterThan(0);

    const text = await runDocsort(["stats"], env);
    expect(text.stdout).toMatch(/documents: 3/);
    expect(text.stdout).toMatch(/by category: letter 2/);
    expect(text.stdout).toMatch(/prompt evaluated 412/);

    const later = await runDocsort(["stats", "--json", "--since", "2999-01-01"], env);
    expect(JSON.parse(later.stdout).documents.total).toBe(0);
  });

  it("refuses a --since that is not a date", async () => {
    const result = await runDocsort(["stats", "--since", "last tuesday"], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--since/);
  });
});

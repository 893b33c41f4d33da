import { chmodSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, type E2eEnv, letterModel } from "../support/e2e-env.js";
import { runDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  env.writeConfig({ intake: { stableMs: 100 } });
  env.server.script(letterModel);
});
afterEach(async () => env.cleanup());

describe("the data folder", () => {
  it("a deleted database is not silently recreated: docsort refuses until init --force", async () => {
    writeFileSync(path.join(env.inbox, "a.txt"), "Dear Sir, a letter with enough words in it.\n");
    expect(
      (
        await runDocsort(
          [
            "handlers",
            "add",
            "hook",
            "--kind",
            "webhook",
            "--on",
            "letter",
            "--config",
            '{"url":"http://127.0.0.1:9/x"}',
          ],
          env,
        )
      ).code,
    ).toBe(0);
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    rmSync(path.join(env.home, "docsort.db"));
    for (const suffix of ["-wal", "-shm"])
      rmSync(path.join(env.home, `docsort.db${suffix}`), { force: true });

    for (const args of [["watch", "--once"], ["list"], ["handlers", "list"]]) {
      const refused = await runDocsort(args, env);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.stderr).toMatch(
        /docsort\.db is gone, but this data folder held database .*docsort init --force/,
      );
    }
    expect(readDocuments(env.home)).toEqual([]);

    const init = await runDocsort(["init", "--force"], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/started over: new database/);
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    expect(readDocuments(env.home)).toHaveLength(1);
  });

  it("doctor checks that the data folder is readable by its owner only", async () => {
    expect((await runDocsort(["init"], env)).code).toBe(0);
    const fine = await runDocsort(["doctor", "--json"], env);
    const checks = (out: string) => JSON.parse(out) as { name: string; ok: boolean; fix?: string }[];
    expect(checks(fine.stdout).find((c) => c.name === "permissions")).toMatchObject({ ok: true });

    chmodSync(path.join(env.home, "docsort.db"), 0o644);
    const open = await runDocsort(["doctor", "--json"], env);
    expect(open.code).toBe(1);
    expect(checks(open.stdout).find((c) => c.name === "permissions")).toMatchObject({
      ok: false,
      fix: `chmod -R go-rwx ${env.home}`,
    });
  });
});

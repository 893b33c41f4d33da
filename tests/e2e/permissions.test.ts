import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, type E2eEnv, letterModel } from "../support/e2e-env.js";
import { runDocsort } from "../support/run-docsort.js";
import { readDocuments } from "../support/store-reader.js";

/** As root nothing is unreadable: docsort then runs as `nobody`, the way an ordinary user meets these files. */
const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  env.writeConfig({ intake: { stableMs: 100 } });
  env.server.script(letterModel);
  if (asRoot) {
    for (const dir of [env.root, env.home, env.inbox]) chownSync(dir, NOBODY.uid, NOBODY.gid);
    chownSync(path.join(env.home, "docsort.config.json"), NOBODY.uid, NOBODY.gid);
    env.user = NOBODY;
  }
});
afterEach(async () => env.cleanup());

function ownedByUser(file: string, content: string): void {
  writeFileSync(file, content);
  if (asRoot) chownSync(file, NOBODY.uid, NOBODY.gid);
}

/** A file or folder the user docsort runs as may not read (root's, or mode 000 when not root). */
function lockAway(target: string): void {
  chmodSync(target, asRoot ? 0o700 : 0);
}

describe("files docsort may not read", () => {
  it("an unreadable file and an unreadable sub-folder are recorded as permission denied; the rest is read", async () => {
    ownedByUser(path.join(env.inbox, "a.txt"), "Dear Sir, a readable letter with enough words.\n");
    const secret = path.join(env.inbox, "secret.txt");
    writeFileSync(secret, "Dear Sir, a letter nobody else may read, with enough words.\n");
    lockAway(secret);
    const locked = path.join(env.inbox, "locked");
    mkdirSync(locked);
    writeFileSync(
      path.join(locked, "inner.txt"),
      "Dear Sir, hidden in a locked folder, with enough words.\n",
    );
    lockAway(locked);
    mkdirSync(path.join(env.inbox, "z-open"));
    ownedByUser(
      path.join(env.inbox, "z-open", "b.txt"),
      "Dear Sir, a second readable letter, with enough words.\n",
    );
    if (asRoot) chownSync(path.join(env.inbox, "z-open"), NOBODY.uid, NOBODY.gid);

    const first = await runDocsort(["watch", "--once"], env);
    expect(first.code, first.stderr).toBe(0);
    const byName = new Map(readDocuments(env.home).map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(["a.txt", "b.txt", "locked", "secret.txt"]);
    expect(byName.get("a.txt")?.status).toBe("done");
    expect(byName.get("b.txt")?.status).toBe("done");
    expect(byName.get("secret.txt")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(/^permission denied: .*cannot read this file/),
    });
    expect(byName.get("locked")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(/^permission denied: docsort cannot list this folder/),
    });

    // once it may be read, the same document takes it in
    chmodSync(secret, 0o644);
    const second = await runDocsort(["watch", "--once"], env);
    expect(second.code, second.stderr).toBe(0);
    const after = readDocuments(env.home).find((d) => d.name === "secret.txt");
    expect(after).toMatchObject({ id: byName.get("secret.txt")?.id, status: "done" });
  });
});

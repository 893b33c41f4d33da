import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText } from "../support/ollama-server.js";
import { startDocsort } from "../support/run-docsort.js";
import { mountSmallDisk, type SmallDisk } from "../support/small-disk.js";
import { readDocuments } from "../support/store-reader.js";
import { waitUntil } from "../support/wait.js";

// room, once freed, for the ten 100 KB documents (text, search index) in the write-ahead log before its first
// checkpoint: 4 MiB was just enough until the kept totals of migration 010 added a few pages to every commit
const disk = mountSmallDisk(8192);

let env: E2eEnv;
beforeEach(async () => {
  env = await createE2eEnv();
  if (!disk) return;
  env.home = path.join(disk.path, "home");
  env.server.script((request) => {
    const category = /category: (\w+)/.exec(documentPart(lastUserText(request)))?.[1] ?? "other";
    return { kind: "json", value: { category, confidence: 0.9, summary: category, evidence: category } };
  });
});
afterEach(async () => env.cleanup());
afterAll(() => disk?.unmount());

describe.skipIf(!disk)("a full disk under the data folder (an 8 MiB tmpfs; needs root)", () => {
  it("does not crash the daemon: it pauses with one line, resumes when there is space, and loses nothing", async () => {
    mkdirSync(env.home, { recursive: true });
    env.writeConfig({ intake: { stableMs: 100, rescanIntervalMs: 2000 } });
    const watch = startDocsort(["watch"], env);
    try {
      await watch.waitForWatching();
      (disk as SmallDisk).fill();
      const words = "lorem ipsum dolor sit amet ".repeat(4000);
      for (let i = 0; i < 10; i += 1) {
        writeFileSync(path.join(env.inbox, `doc-${i}.txt`), `Document ${i}\ncategory: letter\n${words}\n`);
      }
      await watch.waitForOutput(/docsort pauses and resumes by itself when there is space again/, 120_000);
      expect(watch.child.exitCode).toBeNull();
      (disk as SmallDisk).free();
      await watch.waitForOutput(/the data folder can be written again: resuming/, 120_000);
      await waitUntil(
        () => {
          const documents = readDocuments(env.home);
          return documents.length === 10 && documents.every((d) => d.status === "done");
        },
        "10 documents done after the disk had room again",
        120_000,
      );
      expect(watch.child.exitCode).toBeNull();
      expect(watch.stderr.match(/docsort pauses and resumes/g)?.length).toBeLessThanOrEqual(2);
    } finally {
      (disk as SmallDisk).free();
      await watch.stop();
    }
  });
});

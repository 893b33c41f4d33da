import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sha256File, sha256OfHandle } from "../../src/intake/hash-file.js";
import { Intake } from "../../src/intake/intake.js";
import type { RegisterOutcome } from "../../src/intake/register-file.js";
import { silentLogger } from "../../src/log/logger.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";
import { waitUntil } from "../support/wait.js";

/** How many files intake is reading and hashing at this moment, and the most ever seen. */
const reads = vi.hoisted(() => ({ now: 0, most: 0 }));

vi.mock("../../src/intake/inspect-file.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/intake/inspect-file.js")>();
  return {
    ...actual,
    inspectFile: async (...args: Parameters<typeof actual.inspectFile>) => {
      reads.now += 1;
      reads.most = Math.max(reads.most, reads.now);
      try {
        return await actual.inspectFile(...args);
      } finally {
        reads.now -= 1;
      }
    },
  };
});

let dir: { path: string; cleanup: () => void };
let store: Store;
let inbox: string;
let intake: Intake | undefined;

beforeEach(() => {
  dir = tempDir();
  inbox = path.join(dir.path, "inbox");
  mkdirSync(inbox);
  store = Store.open(path.join(dir.path, "home"));
  reads.now = 0;
  reads.most = 0;
});
afterEach(async () => {
  await intake?.stop();
  intake = undefined;
  store.close();
  dir.cleanup();
});

const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

describe("Intake under a burst of files", () => {
  it("reads a few files at a time however many become stable at once, and takes every one of them", async () => {
    const count = 300;
    for (let i = 0; i < count; i++) writeFileSync(path.join(inbox, `doc-${i}.txt`), `document number ${i}`);
    const outcomes: RegisterOutcome[] = [];
    const config = testConfig({ intake: { stableMs: 100, rescanIntervalMs: 0 } });
    intake = new Intake({
      inbox,
      config: config.intake,
      maxFileBytes: config.extract.maxFileBytes,
      store,
      logger: silentLogger,
      readsAtOnce: 4,
      onRegistered: (outcome) => outcomes.push(outcome),
    });
    await intake.start(true);
    await waitUntil(() => outcomes.length === count && intake?.isIdle() === true, `${count} files`, 60_000);
    expect(reads.most).toBeGreaterThan(0);
    expect(reads.most).toBeLessThanOrEqual(4);
    expect(new Set(outcomes.map((o) => o.document.name)).size).toBe(count);
    expect(outcomes.every((o) => o.kind === "new")).toBe(true);
    expect(outcomes.find((o) => o.document.name === "doc-7.txt")?.document.sha256).toBe(
      sha256("document number 7"),
    );
  });
});

describe("sha256OfHandle", () => {
  it("hashes empty, small and multi-chunk files, and reads a file to its end even when it grew", async () => {
    const big = Buffer.alloc(200 * 1024 + 7, "x");
    const cases: [string, Buffer][] = [
      ["empty", Buffer.alloc(0)],
      ["one", Buffer.from("a")],
      ["big", big],
    ];
    for (const [name, content] of cases) {
      const file = path.join(dir.path, name);
      writeFileSync(file, content);
      expect(await sha256File(file)).toBe(sha256(content));
    }
    const handle = await open(path.join(dir.path, "big"), "r");
    try {
      // sized for 10 bytes, the file holds 200 KiB: the whole file is still hashed
      expect(await sha256OfHandle(handle, 10)).toBe(sha256(big));
    } finally {
      await handle.close();
    }
  });
});

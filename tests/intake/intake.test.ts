import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Intake } from "../../src/intake/intake.js";
import type { RegisterOutcome } from "../../src/intake/register-file.js";
import { silentLogger } from "../../src/log/logger.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";

let dir: { path: string; cleanup: () => void };
let store: Store;
let inbox: string;
let intake: Intake | undefined;
let outcomes: RegisterOutcome[];

beforeEach(() => {
  dir = tempDir();
  inbox = path.join(dir.path, "inbox");
  mkdirSync(inbox);
  store = Store.open(path.join(dir.path, "home"));
  outcomes = [];
});
afterEach(async () => {
  await intake?.stop();
  intake = undefined;
  store.close();
  dir.cleanup();
});

function createIntake(extra: Record<string, unknown> = {}): Intake {
  const config = testConfig({ intake: { stableMs: 150, rescanIntervalMs: 0, ...extra } });
  intake = new Intake({
    inbox,
    config: config.intake,
    store,
    logger: silentLogger,
    excludeDirs: [path.join(inbox, "filed")],
    onRegistered: (outcome) => outcomes.push(outcome),
  });
  return intake;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const write = (name: string, content: string) => {
  const file = path.join(inbox, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
};

describe("Intake", () => {
  it("takes files already in the inbox at start, recursively, and skips temporary names", async () => {
    write("a.txt", "alpha document");
    write("sub/deeper/b.txt", "beta document");
    write("download.pdf.crdownload", "partial");
    write(".hidden/c.txt", "hidden");
    write("~$lock.docx", "office owner file");
    write("filed/d.txt", "docsort's own output");
    await createIntake().start(false);
    await until(() => outcomes.length === 2 && intake?.isIdle() === true);
    expect(outcomes.map((o) => [o.kind, path.relative(inbox, o.document.path)]).sort()).toEqual([
      ["new", "a.txt"],
      ["new", path.join("sub", "deeper", "b.txt")],
    ]);
  });

  it("takes a file that arrives while watching, once it is complete", async () => {
    await createIntake().start(true);
    const file = path.join(inbox, "late.txt");
    writeFileSync(file, "first part ");
    await new Promise((resolve) => setTimeout(resolve, 60));
    writeFileSync(file, "first part and the rest");
    await until(() => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ kind: "new", document: { size: 23, status: "queued" } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(outcomes).toHaveLength(1);
  });

  it("a rescan finds what the watcher missed, without taking known files again", async () => {
    write("one.txt", "first document");
    const running = createIntake();
    await running.start(false);
    await until(() => outcomes.length === 1 && running.isIdle());
    write("two.txt", "second document");
    expect(await running.scan()).toBe(1);
    await until(() => outcomes.length === 2 && running.isIdle());
    expect(await running.scan()).toBe(0);
  });

  it("content is identity: a rename is not reprocessed, a copy is a duplicate, new content is new", async () => {
    const original = write("invoice.txt", "invoice 42 content");
    await createIntake().start(true);
    await until(() => outcomes.length === 1);
    const first = outcomes[0]?.document;

    renameSync(original, path.join(inbox, "renamed.txt"));
    await until(() => outcomes.length === 2);
    expect(outcomes[1]).toMatchObject({ kind: "renamed", document: { id: first?.id } });
    expect(store.documents.get(first?.id ?? 0)?.path).toBe(path.join(inbox, "renamed.txt"));

    copyFileSync(path.join(inbox, "renamed.txt"), path.join(inbox, "copy.txt"));
    await until(() => outcomes.length === 3);
    expect(outcomes[2]).toMatchObject({
      kind: "duplicate",
      document: { status: "duplicate", duplicateOf: first?.id },
    });

    writeFileSync(path.join(inbox, "renamed.txt"), "invoice 43, other content");
    await until(() => outcomes.length === 4);
    expect(outcomes[3]?.kind).toBe("new");
    expect(outcomes[3]?.document.id).not.toBe(first?.id);
  });

  it("never changes the user's files", async () => {
    const file = write("keep.txt", "do not touch me");
    const before = statSync(file);
    await createIntake().start(true);
    await until(() => outcomes.length === 1);
    const after = statSync(file);
    expect(readFileSync(file, "utf8")).toBe("do not touch me");
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.mode).toBe(before.mode);
  });

  it("works by polling too (network shares)", async () => {
    await createIntake({ usePolling: true, pollIntervalMs: 100 }).start(true);
    write("polled.txt", "found by polling");
    await until(() => outcomes.length === 1);
    expect(outcomes[0]?.document.name).toBe("polled.txt");
  });
});

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Intake } from "../../src/intake/intake.js";
import type { RegisterOutcome } from "../../src/intake/register-file.js";
import { silentLogger } from "../../src/log/logger.js";
import { listDocuments } from "../../src/store/document-views.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";
import { testConfig } from "../support/test-config.js";
import { waitUntil } from "../support/wait.js";

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

function createIntake(extra: Record<string, unknown> = {}, maxFileBytes?: number): Intake {
  const config = testConfig({ intake: { stableMs: 150, rescanIntervalMs: 0, ...extra } });
  intake = new Intake({
    inbox,
    config: config.intake,
    maxFileBytes: maxFileBytes ?? config.extract.maxFileBytes,
    store,
    logger: silentLogger,
    excludeDirs: [path.join(inbox, "filed")],
    onRegistered: (outcome) => outcomes.push(outcome),
  });
  return intake;
}

const until = (condition: () => boolean) => waitUntil(condition, "intake", 60_000, 25);

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
    writeFileSync(file, "first part and the rest");
    await until(() => outcomes.length === 1 && intake?.isIdle() === true);
    expect(outcomes[0]).toMatchObject({ kind: "new", document: { size: 23, status: "queued" } });
    // a later file is taken too; by then intake has long settled on late.txt, which it took once
    write("later.txt", "another document");
    await until(() => outcomes.length === 2 && intake?.isIdle() === true);
    expect(outcomes.map((o) => o.document.name)).toEqual(["late.txt", "later.txt"]);
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

  it("never follows a symbolic link: a link to /etc/passwd or to an outside folder is recorded, not read", async () => {
    const outside = path.join(dir.path, "outside");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "secret.pdf"), "a file outside the inbox");
    symlinkSync("/etc/passwd", path.join(inbox, "passwd.txt"));
    symlinkSync(outside, path.join(inbox, "linked-folder"));
    write("real.txt", "a real document");
    await createIntake().start(true);
    await until(() => outcomes.length === 3 && intake?.isIdle() === true);
    // the watcher sees the link being created too, and a rescan finds them again: still recorded once
    symlinkSync("/etc/hostname", path.join(inbox, "hostname.txt"));
    await until(() => outcomes.length === 4 && intake?.isIdle() === true);
    await intake?.scan();
    const documents = listDocuments(store.db).sort((a, b) => a.name.localeCompare(b.name));
    expect(documents.map((d) => [d.name, d.status])).toEqual([
      ["hostname.txt", "quarantined"],
      ["linked-folder", "quarantined"],
      ["passwd.txt", "quarantined"],
      ["real.txt", "queued"],
    ]);
    expect(documents.find((d) => d.name === "passwd.txt")?.reason).toMatch(
      /symbolic link \(to \/etc\/passwd\)/,
    );
    const passwd = createHash("sha256").update(readFileSync("/etc/passwd")).digest("hex");
    expect(documents.map((d) => d.sha256)).not.toContain(passwd);
    expect(documents.map((d) => d.path).some((p) => p.includes("secret.pdf"))).toBe(false);
  });

  it("records FIFOs and sockets without hanging, and files over the size limit without reading them", async () => {
    execFileSync("mkfifo", [path.join(inbox, "pipe.pdf")]);
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(inbox, "socket.eml"), resolve));
    // 20 GiB, sparse: reading it whole would take minutes
    const huge = write("huge.pdf", "");
    truncateSync(huge, 20 * 1024 ** 3);
    write("small.txt", "small enough");
    try {
      await createIntake({}, 1024 * 1024).start(true);
      await until(() => outcomes.length === 4 && intake?.isIdle() === true);
    } finally {
      socket.close();
    }
    const byName = new Map(listDocuments(store.db).map((d) => [d.name, d]));
    expect(byName.get("pipe.pdf")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(/FIFO/),
    });
    expect(byName.get("socket.eml")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(/socket/),
    });
    expect(byName.get("huge.pdf")).toMatchObject({
      status: "quarantined",
      reason: expect.stringMatching(/file too large: 20\.0 GiB .* it was not read/),
    });
    expect(byName.get("small.txt")?.status).toBe("queued");
  });

  it("notes hard links", async () => {
    const file = write("scan.pdf", "scanned content");
    linkSync(file, path.join(dir.path, "elsewhere.pdf"));
    await createIntake().start(false);
    await until(() => outcomes.length === 1 && intake?.isIdle() === true);
    const events = store.events.forDocument(outcomes[0]?.document.id ?? 0);
    expect(events.find((e) => e.type === "hard_link")?.message).toMatch(/2 hard links/);
  });

  it("a hard link made later inside the inbox is a duplicate of the first name, and says it is a hard link", async () => {
    const file = write("contract.docx", "contract content");
    await createIntake().start(true);
    await until(() => outcomes.length === 1);
    linkSync(file, path.join(inbox, "contract-link.docx"));
    await until(() => outcomes.length === 2);
    const second = outcomes[1];
    expect(second?.kind).toBe("duplicate");
    expect(second?.document).toMatchObject({ status: "duplicate", duplicateOf: outcomes[0]?.document.id });
    const events = store.events.forDocument(second?.document.id ?? 0);
    expect(events.find((e) => e.type === "hard_link")?.message).toMatch(/2 hard links/);
  });
});

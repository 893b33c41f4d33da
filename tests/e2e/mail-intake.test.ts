import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LABELED_DIR, loadLabels } from "../support/corpus.js";
import { corpusModel } from "../support/corpus-model.js";
import { type Dovecot, startDovecot } from "../support/dovecot.js";
import { createE2eEnv, type E2eEnv } from "../support/e2e-env.js";
import { buildMail, tinyPdf } from "../support/mail-builder.js";
import { type DocsortProcess, runDocsort, startDocsort } from "../support/run-docsort.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

let server: Dovecot;
let proxy: TcpProxy;
let env: E2eEnv;
const running: DocsortProcess[] = [];

const INVOICES = [
  { file: "invoices/Rechnung_HR-2025-0417.pdf", number: "HR-2025-0417" },
  { file: "invoices/Kestrel_KCS-INV-004512.pdf", number: "KCS-INV-004512" },
  { file: "invoices/Tidewater_CreditNote_CN-7741.pdf", number: "CN-7741" },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

function account(overrides: Record<string, unknown> = {}) {
  return {
    name: "box",
    host: "127.0.0.1",
    port: proxy.port,
    caFile: server.certFile,
    user: server.user,
    passwordEnv: "BOX_PASSWORD",
    pollIntervalMs: 2000,
    rules: [{ take: "attachments", after: "seen" }],
    ...overrides,
  };
}

function writeConfig(accountOverrides: Record<string, unknown> = {}) {
  env.writeConfig({
    intake: { stableMs: 200 },
    outbox: { retryBaseMs: 200, retryMaxMs: 400, pollIntervalMs: 50 },
    mail: { accounts: [account(accountOverrides)] },
  });
}

function withPassword(password = server.password) {
  return { ...env, extra: { BOX_PASSWORD: password } };
}

function dbQuery<T>(sql: string): T[] {
  const file = path.join(env.home, "docsort.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], T>(sql).all();
  } catch {
    return [];
  } finally {
    db.close();
  }
}

const mailRows = () =>
  dbQuery<{ uid: number; status: string; action_status: string; subject: string }>(
    "SELECT uid, status, action_status, subject FROM mail_messages ORDER BY uid",
  );

function killAll(): void {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
}

beforeAll(async () => {
  server = await startDovecot();
  proxy = await startTcpProxy(server.tlsPort);
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});
beforeEach(async () => {
  env = await createE2eEnv();
  env.server.script(corpusModel(loadLabels()));
  proxy.throttle(undefined);
  await server.clear();
}, 30_000);
afterEach(async () => {
  killAll();
  await env?.cleanup();
});

describe("docsort mail test / fetch --dry-run", () => {
  it("reports the folders and matching messages, changes nothing, and explains misconfigurations in one sentence", async () => {
    await server.append(
      buildMail({
        subject: "with pdf",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("a"), filename: "a.pdf" }],
      }),
    );
    await server.append(buildMail({ subject: "plain", text: "no attachment" }));
    writeConfig({ rules: [{ name: "pdfs", hasAttachment: true, after: "seen" }] });

    const test = await runDocsort(["mail", "test", "box"], withPassword());
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toContain(`logged in to 127.0.0.1:${proxy.port} as tester (TLS, IDLE)`);
    expect(test.stdout).toContain("folders on the server: INBOX, Archive");
    expect(test.stdout).toContain("INBOX: 2 message(s), 1 match the rules (pdfs: 1), 1 not taken yet");

    const dry = await runDocsort(["mail", "fetch", "--dry-run"], withPassword());
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /would take box\/INBOX uid \d+ "with pdf" from Billing <billing@vendor\.test> — pdfs: attachments \(a\.pdf\), then mark seen/,
    );
    expect(existsSync(path.join(env.home, "docsort.db"))).toBe(false);
    expect((await server.messages()).every((m) => m.flags.length === 0)).toBe(true);

    const fetched = await runDocsort(["mail", "fetch"], withPassword());
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stdout).toMatch(
      /^box\/INBOX uid \d+ "with pdf" from Billing <billing@vendor\.test> → #1 a\.pdf$/m,
    );
    expect(fetched.stdout).toMatch(
      /^box\/INBOX: 2 new message\(s\): 1 taken \(1 document\(s\)\), 1 left by the rules, 0 taken before, 0 not taken/m,
    );
    expect((await server.messages()).map((m) => m.flags)).toEqual([["\\Seen"], []]);
    const again = await runDocsort(["mail", "fetch"], withPassword());
    expect(again.stdout).toMatch(/^box\/INBOX: 0 new message\(s\)/m);
    const status = await runDocsort(["mail", "status"], env);
    expect(status.stdout).toMatch(/^box +INBOX +ok +\S+ \S+ +\d+\/\d+ +1 +0 +1 +0\/0/m);

    const wrong = await runDocsort(["mail", "test", "box"], withPassword("not-the-password"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
    expect(wrong.stderr).toMatch(/refused the login of "tester" .*app password\.$/m);

    const unset = await runDocsort(["mail", "test", "box"], env);
    expect(unset.code).toBe(2);
    expect(unset.stderr.trim()).toBe(
      'docsort: mail account "box": the environment variable BOX_PASSWORD (passwordEnv) is not set; export it with the account\'s password or app password.',
    );

    writeConfig({ caFile: undefined });
    const untrusted = await runDocsort(["mail", "test", "box"], withPassword());
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr.trim().split("\n")).toHaveLength(1);
    expect(untrusted.stderr).toMatch(/certificate of 127\.0\.0\.1:\d+ is not trusted .*set caFile/);

    writeConfig({ folders: ["INBOX", "Invoices"] });
    const folder = await runDocsort(["mail", "test", "box"], withPassword());
    expect(folder.code).toBe(1);
    expect(folder.stdout).toContain(
      'problem: the folder "Invoices" does not exist on the server (folders: INBOX, Archive).',
    );

    writeConfig({ rules: [{ after: "move" }] });
    const invalid = await runDocsort(["mail", "test", "box"], withPassword());
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      "mail.accounts.0.rules.0.moveTo: `after: move` needs `moveTo`, a folder",
    );
  }, 90_000);
});

describe("docsort watch with a mailbox", () => {
  it("takes e-mailed invoices into the ledger exactly once across kill -9 in the middle of fetching", async () => {
    const filler = "x".repeat(120_000);
    const expected: string[] = [];
    for (let n = 1; n <= 9; n += 1) {
      const invoice = INVOICES[(n - 1) % INVOICES.length];
      const attachment =
        n <= INVOICES.length && invoice
          ? {
              type: "application/pdf",
              content: readFileSync(path.join(LABELED_DIR, invoice.file)),
              filename: path.basename(invoice.file),
            }
          : {
              type: "application/pdf",
              content: tinyPdf(`Letter number ${n}: thank you for your order.`),
              filename: `letter-${n}.pdf`,
            };
      expected.push(attachment.filename);
      await server.append(buildMail({ subject: `message ${n}`, text: `${filler}\n`, parts: [attachment] }));
    }
    writeConfig();
    proxy.throttle(200_000);

    // two crashes while messages are being downloaded, committed and marked seen
    for (const atLeast of [2, 5]) {
      const watch = startDocsort(["watch"], withPassword());
      running.push(watch);
      await until(
        () => mailRows().length >= atLeast,
        60_000,
        () => `${atLeast} messages taken\n${watch.stderr}`,
      );
      watch.child.kill("SIGKILL");
      await watch.exited;
      // nothing is marked seen on the server before its documents are committed
      const committed = new Set(mailRows().map((r) => r.uid));
      const seen = (await server.messages()).filter((m) => m.flags.includes("\\Seen")).map((m) => m.uid);
      for (const uid of seen) expect(committed.has(uid), `uid ${uid} seen but not committed`).toBe(true);
    }
    expect(mailRows().length).toBeLessThan(9);

    proxy.throttle(undefined);
    const once = await runDocsort(["watch", "--once"], withPassword(), 240_000);
    expect(once.code, once.stdout + once.stderr).toBe(0);

    const rows = mailRows();
    const first = rows[0]?.uid ?? 0;
    expect(rows.map((r) => r.uid)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => first + n));
    expect(rows.map((r) => r.subject)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `message ${n}`));
    expect(rows.every((r) => r.status === "taken" && r.action_status === "done")).toBe(true);
    const docs = dbQuery<{ name: string; status: string }>("SELECT name, status FROM documents ORDER BY id");
    expect(docs.map((d) => d.name).sort()).toEqual([...expected].sort());
    expect(docs.some((d) => d.status === "duplicate")).toBe(false);
    expect((await server.messages()).every((m) => m.flags.includes("\\Seen"))).toBe(true);

    const ledger = await runDocsort(["invoices", "list", "--json"], env);
    const invoices = JSON.parse(ledger.stdout) as { invoiceNumber: string | null }[];
    expect(invoices.map((i) => i.invoiceNumber).sort()).toEqual(INVOICES.map((i) => i.number).sort());

    const id = dbQuery<{ id: number }>("SELECT id FROM documents WHERE name = 'Rechnung_HR-2025-0417.pdf'")[0]
      ?.id;
    const show = await runDocsort(["show", String(id)], env);
    expect(show.stdout).toMatch(/mail {7}box\/INBOX uid \d+ \(rule rule 1, take attachments\)/);
    expect(show.stdout).toContain("from       Billing <billing@vendor.test>");
    expect(show.stdout).toContain("subject    message 1");
    expect(show.stdout).toMatch(/message-id <test-.*@docsort\.test>/);
    expect(show.stdout).toContain("on server  seen: done");
  }, 600_000);

  it("hears of new mail through IDLE, survives a server restart, and records a wrong password as the folder's state", async () => {
    writeConfig({ pollIntervalMs: 600_000 });
    const watch = startDocsort(["watch"], withPassword());
    running.push(watch);
    await until(
      () => dbQuery<{ state: string }>("SELECT state FROM mail_folders")[0]?.state === "ok",
      60_000,
      () => watch.stderr,
    );
    await server.append(
      buildMail({
        subject: "idle 1",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("idle one"), filename: "idle-1.pdf" }],
      }),
    );
    // the poll interval is 10 minutes: only IDLE can bring this in
    await until(
      () => mailRows().length === 1,
      120_000,
      () =>
        `IDLE to report the message\n${watch.stderr}\n${readFileSync(path.join(env.home, "logs", "docsort.log"), "utf8").slice(-3000)}`,
    );

    await server.stop();
    await until(
      () =>
        /nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)|connection to .* was lost/.test(
          watch.stderr,
        ),
      60_000,
      () => watch.stderr,
    );
    await until(
      () => dbQuery<{ state: string }>("SELECT state FROM mail_folders")[0]?.state === "error",
      30_000,
      () => "error state",
    );
    await server.start();
    await server.append(
      buildMail({
        subject: "idle 2",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("idle two"), filename: "idle-2.pdf" }],
      }),
    );
    await until(
      () => mailRows().length === 2,
      90_000,
      () => `the message after the restart\n${watch.stderr}`,
    );
    const faultLines = watch.stderr.split("\n").filter((line) => line.includes("mail box:"));
    expect(faultLines.length, watch.stderr).toBeLessThanOrEqual(2);
    watch.child.kill("SIGTERM");
    expect((await watch.exited).code).toBe(0);

    // the server's password changed: one clear line, a recorded state, and taking resumes once it is right again
    writeConfig({ pollIntervalMs: 1000 });
    server.setPassword("changed-on-the-server");
    const refused = startDocsort(["watch"], withPassword("s3cret-pass"));
    running.push(refused);
    await until(
      () =>
        dbQuery<{ last_error: string | null }>(
          "SELECT last_error FROM mail_folders",
        )[0]?.last_error?.includes("refused the login") === true,
      30_000,
      () => refused.stderr,
    );
    const attempts = () =>
      dbQuery<{ last_attempt_at: string }>("SELECT last_attempt_at FROM mail_folders")[0]?.last_attempt_at;
    const first = attempts();
    await until(
      () => attempts() !== first,
      30_000,
      () => "a second login attempt",
    );
    expect(refused.stderr.split("\n").filter((line) => line.includes("refused the login"))).toHaveLength(1);
    const status = await runDocsort(["mail", "status", "--json"], env);
    const parsed = JSON.parse(status.stdout) as { folders: { state: string; lastError: string }[] };
    expect(parsed.folders[0]).toMatchObject({ state: "error" });
    expect(parsed.folders[0]?.lastError).toMatch(/refused the login of "tester"/);
    server.setPassword("s3cret-pass");
    await server.append(
      buildMail({
        subject: "after fix",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("fixed"), filename: "fixed.pdf" }],
      }),
    );
    await until(
      () => mailRows().length === 3,
      60_000,
      () => refused.stderr,
    );
    expect(mailRows().map((r) => r.subject)).toEqual(["idle 1", "idle 2", "after fix"]);
  }, 600_000);

  it("a connection dropped in the middle of a download loses nothing and takes nothing twice", async () => {
    const filler = "y".repeat(200_000);
    for (let n = 1; n <= 4; n += 1)
      await server.append(
        buildMail({
          subject: `drop ${n}`,
          text: filler,
          parts: [{ type: "application/pdf", content: tinyPdf(`drop ${n}`), filename: `drop-${n}.pdf` }],
        }),
      );
    writeConfig({ rules: [{ take: "both", after: "flag" }] });
    proxy.throttle(150_000);
    const watch = startDocsort(["watch"], withPassword());
    running.push(watch);
    await until(
      () => mailRows().length >= 1,
      60_000,
      () => watch.stderr,
    );
    proxy.dropAll();
    proxy.throttle(undefined);
    await until(
      () => mailRows().length === 4,
      90_000,
      () => watch.stderr,
    );
    await until(
      async () => (await server.messages()).every((m) => m.flags.includes("\\Flagged")),
      30_000,
      () => "all flagged",
    );
    expect(mailRows().map((r) => r.subject)).toEqual(["drop 1", "drop 2", "drop 3", "drop 4"]);
    const docs = dbQuery<{ name: string; parent_id: number | null }>(
      "SELECT name, parent_id FROM documents WHERE parent_id IS NULL ORDER BY id",
    );
    expect(docs.map((d) => d.name)).toEqual(["drop 1.eml", "drop 2.eml", "drop 3.eml", "drop 4.eml"]);
    // `take: both`: the pipeline opens each message and its PDF becomes a child document
    const children = () =>
      dbQuery<{ name: string }>("SELECT name FROM documents WHERE parent_id IS NOT NULL ORDER BY name").map(
        (d) => d.name,
      );
    await until(
      () => children().length === 4,
      60_000,
      () => children().join(", "),
    );
    expect(children()).toEqual(["drop-1.pdf", "drop-2.pdf", "drop-3.pdf", "drop-4.pdf"]);
    watch.child.kill("SIGTERM");
    await watch.exited;
  }, 400_000);

  it("take: message keeps the message as one document whose attachments are not opened", async () => {
    await server.append(
      buildMail({
        subject: "keep whole",
        text: "A letter with an attached PDF, kept as one document.",
        parts: [{ type: "application/pdf", content: tinyPdf("Attached page"), filename: "page.pdf" }],
      }),
    );
    writeConfig({ rules: [{ take: "message" }] });
    const once = await runDocsort(["watch", "--once"], withPassword(), 120_000);
    expect(once.code, once.stdout + once.stderr).toBe(0);
    const docs = dbQuery<{ name: string; status: string; parent_id: number | null }>(
      "SELECT name, status, parent_id FROM documents",
    );
    expect(docs).toEqual([
      { name: "keep whole.eml", status: expect.stringMatching(/^(done|needs_review)$/), parent_id: null },
    ]);
    expect((await server.messages())[0]?.flags).toEqual([]);
  }, 180_000);
});

import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MailAccount, mailSchema } from "../../../src/config/mail-schema.js";
import { configFileSchema } from "../../../src/config/schema.js";
import type { MailContext } from "../../../src/intake/mail/folder-context.js";
import { connectAccount, disconnect, MailConnectionError } from "../../../src/intake/mail/mail-connection.js";
import { syncFolder } from "../../../src/intake/mail/sync-folder.js";
import { silentLogger } from "../../../src/log/logger.js";
import { BlobStore } from "../../../src/store/blob-store.js";
import { Store } from "../../../src/store/store.js";
import { type Dovecot, freePort, startDovecot } from "../../support/dovecot.js";
import { buildMail, PIXEL_PNG, tinyPdf } from "../../support/mail-builder.js";
import { tempDir } from "../../support/temp-dir.js";

let server: Dovecot;
let dir: { path: string; cleanup: () => void };
let store: Store;
const PASSWORD_ENV = "DOCSORT_TEST_MAIL_PASSWORD";

function account(overrides: Record<string, unknown> = {}): MailAccount {
  const parsed = mailSchema.parse({
    accounts: [
      {
        name: "test",
        host: "127.0.0.1",
        port: server.tlsPort,
        security: "tls",
        caFile: server.certFile,
        user: server.user,
        passwordEnv: PASSWORD_ENV,
        ...overrides,
      },
    ],
  });
  const [first] = parsed.accounts;
  if (!first) throw new Error("no account");
  return first;
}

function context(acc: MailAccount, extra: Partial<MailContext> = {}): MailContext {
  const config = configFileSchema.parse({});
  return {
    account: acc,
    mail: { ...config.mail, ...extra.mail },
    extract: config.extract,
    store,
    blobs: new BlobStore(path.join(dir.path, "blobs")),
    logger: silentLogger,
    ...extra,
  };
}

async function sync(acc: MailAccount, extra: Partial<MailContext> = {}, dryRun = false) {
  const client = await connectAccount(acc, dir.path);
  try {
    return await syncFolder(client, context(acc, extra), "INBOX", dryRun);
  } finally {
    await disconnect(client);
  }
}

function documents() {
  return store.db
    .prepare<[], { id: number; name: string; path: string; status: string; duplicate_of: number | null }>(
      "SELECT id, name, path, status, duplicate_of FROM documents ORDER BY id",
    )
    .all();
}

beforeAll(async () => {
  server = await startDovecot();
  process.env[PASSWORD_ENV] = server.password;
}, 60_000);
afterAll(async () => {
  delete process.env[PASSWORD_ENV];
  await server?.close();
});
beforeEach(async () => {
  dir = tempDir("docsort-mail-");
  store = Store.open(dir.path);
  await server.clear();
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe("taking a folder's messages by the rules", () => {
  it("takes only what the first matching rule selects, in the way it says, and never twice", async () => {
    const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    await server.append(
      buildMail({
        subject: "Invoice 17",
        text: "see PDF",
        parts: [
          {
            type: "application/pdf",
            content: tinyPdf("Invoice 17 total 10 EUR"),
            filename: "invoice-17.pdf",
          },
        ],
      }),
    );
    await server.append(buildMail({ from: "friend@else.test", subject: "Lunch?", text: "hi" }));
    await server.append(buildMail({ subject: "Invoice statement", text: "no attachment here" }));
    await server.append(buildMail({ from: "newsletter@shop.test", subject: "Deals", html: "<p>deals</p>" }));
    const acc = account({
      rules: [
        { name: "vendor invoices", from: "vendor.test", hasAttachment: true, take: "attachments" },
        { name: "vendor mail", from: "BILLING@vendor.test", maxAgeDays: 30, take: "message" },
        { name: "shop", to: "me@home", subject: "deals", take: "both" },
      ],
    });

    const first = await sync(acc);
    expect(first).toMatchObject({ examined: 4, taken: 3, skipped: 1, known: 0 });
    const docs = documents();
    expect(docs.map((d) => d.name)).toEqual(["invoice-17.pdf", "Invoice statement.eml", "Deals.eml"]);
    expect(docs[0]?.path).toMatch(
      /^imap:\/\/tester@127\.0\.0\.1:\d+\/INBOX;UIDVALIDITY=\d+\/;UID=1#invoice-17\.pdf$/,
    );
    expect(docs.every((d) => d.status === "queued")).toBe(true);
    const origin = store.mailMessages.originOf(docs[0]?.id ?? 0);
    expect(origin).toMatchObject({
      rule: "vendor invoices",
      subject: "Invoice 17",
      take: "attachments",
      part: "attachment",
    });
    expect(origin?.sender).toBe("Billing <billing@vendor.test>");
    expect(origin?.messageId).toMatch(/^<test-.*@docsort\.test>$/);

    expect(await sync(acc)).toMatchObject({ examined: 0, taken: 0 });
    await server.append(
      buildMail({
        subject: "Invoice 18",
        date: old,
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("Invoice 18"), filename: "invoice-18.pdf" }],
      }),
    );
    await server.append(
      buildMail({ subject: "Old letter", date: old, text: "too old for rule 2" }),
      "INBOX",
      old,
    );
    const third = await sync(acc);
    expect(third).toMatchObject({ examined: 2, taken: 1, skipped: 1 });
    expect(documents().map((d) => d.name)).toContain("invoice-18.pdf");
    expect(store.mailFolders.get("test", "INBOX")).toMatchObject({ lastUid: 6, skipped: 2 });
  });

  it("takes PDF attachments, keeps a forwarded message whole, skips logos embedded in the HTML", async () => {
    const inner = buildMail({
      subject: "Original invoice",
      text: "forwarded",
      parts: [{ type: "application/pdf", content: tinyPdf("Inner invoice"), filename: "inner.pdf" }],
    });
    await server.append(
      buildMail({
        subject: "Fwd: invoice",
        html: '<p>Logo <img src="cid:logo1"></p>',
        parts: [
          { type: "image/png", content: PIXEL_PNG, contentId: "logo1", disposition: "inline" },
          {
            type: "application/pdf",
            content: tinyPdf("Inline PDF"),
            filename: "inline.pdf",
            disposition: "inline",
          },
          { type: "message/rfc822", content: inner, filename: "original.eml" },
          { type: "application/pdf", content: tinyPdf("Outer PDF"), filename: "outer.pdf" },
        ],
      }),
    );
    const result = await sync(account());
    expect(result).toMatchObject({ taken: 1, documents: 3 });
    expect(
      documents()
        .map((d) => d.name)
        .sort(),
    ).toEqual(["inline.pdf", "original.eml", "outer.pdf"]);
  });

  it("records the same attachment bytes from a second message as a duplicate", async () => {
    const pdf = tinyPdf("Same invoice twice");
    await server.append(
      buildMail({
        subject: "A",
        text: "a",
        parts: [{ type: "application/pdf", content: pdf, filename: "a.pdf" }],
      }),
    );
    await server.append(
      buildMail({
        subject: "B",
        text: "b",
        parts: [{ type: "application/pdf", content: pdf, filename: "b.pdf" }],
      }),
    );
    await sync(account());
    const [a, b] = documents();
    expect(a?.status).toBe("queued");
    expect(b).toMatchObject({ status: "duplicate", duplicate_of: a?.id });
  });

  it("marks seen, flags or moves only messages whose documents are stored, and nothing in a dry run", async () => {
    await server.append(
      buildMail({
        subject: "seen me",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("1"), filename: "1.pdf" }],
      }),
    );
    await server.append(
      buildMail({
        subject: "flag me",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("2"), filename: "2.pdf" }],
      }),
    );
    await server.append(
      buildMail({
        subject: "move me",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("3"), filename: "3.pdf" }],
      }),
    );
    await server.append(buildMail({ subject: "seen me too", text: "nothing attached" }));
    const acc = account({
      rules: [
        { subject: "seen me", after: "seen" },
        { subject: "flag me", after: "flag" },
        { subject: "move me", after: "move", moveTo: "Archive" },
      ],
    });
    const planned = await sync(acc, {}, true);
    expect(planned.planned.map((p) => [p.summary.subject, p.after])).toEqual([
      ["seen me", "seen"],
      ["flag me", "flag"],
      ["move me", "move"],
      ["seen me too", "seen"],
    ]);
    expect(documents()).toEqual([]);
    expect(store.mailFolders.get("test", "INBOX")).toBeUndefined();
    expect((await server.messages()).every((m) => m.flags.length === 0)).toBe(true);

    await sync(acc);
    const inbox = await server.messages();
    expect(inbox.map((m) => m.flags)).toEqual([["\\Seen"], ["\\Flagged"], []]);
    expect((await server.messages("Archive")).length).toBe(1);
    // the message without attachments gave no document, so it is left as it was
    expect(store.mailMessages.problems()).toMatchObject([
      { subject: "seen me too", status: "empty", actionStatus: "none" },
    ]);
    await server.clear("Archive");
  });

  it("leaves a message over mail.maxMessageBytes on the server and records why", async () => {
    await server.append(buildMail({ subject: "huge", text: "x".repeat(20_000) }));
    const result = await sync(account({ rules: [{ after: "seen" }] }), {
      mail: { maxMessageBytes: 10_000, accounts: [] },
    });
    expect(result).toMatchObject({ taken: 0, notTaken: 1, documents: 0 });
    const [problem] = store.mailMessages.problems();
    expect(problem).toMatchObject({ status: "too_large", subject: "huge", actionStatus: "none" });
    expect(problem?.reason).toMatch(/more than mail\.maxMessageBytes/);
    expect((await server.messages())[0]?.flags).toEqual([]);
  });

  it("records a malformed message, or one without attachments to take, with one log line and leaves it on the server", async () => {
    const broken =
      "From: x@vendor.test\r\nSubject: broken\r\nMessage-ID: <broken@docsort.test>\r\nContent-Type: multipart/mixed\r\n\r\n--nope\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!@@@@\r\n";
    await server.append(broken);
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const acc = account({ rules: [{ after: "seen" }] });
    expect(await sync(acc, { logger })).toMatchObject({ taken: 0, notTaken: 1, documents: 0 });
    expect(await sync(acc, { logger })).toMatchObject({ examined: 0 });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^test\/INBOX uid \d+: the rule takes attachments and the message has none it can take; it was left as it is$/,
      ),
    ]);
    expect(store.mailMessages.problems()).toMatchObject([
      { status: "empty", subject: "broken", actionStatus: "none" },
    ]);
    expect((await server.messages())[0]?.flags).toEqual([]);
    expect(documents()).toEqual([]);
  });

  it("takes the same message found in two watched folders once", async () => {
    const raw = buildMail({
      subject: "twice",
      text: "x",
      parts: [{ type: "application/pdf", content: tinyPdf("twice"), filename: "twice.pdf" }],
    });
    await server.append(raw);
    await server.append(raw, "Archive");
    const acc = account({ folders: ["INBOX", "Archive"] });
    const client = await connectAccount(acc, dir.path);
    try {
      expect(await syncFolder(client, context(acc), "INBOX")).toMatchObject({ taken: 1 });
      expect(await syncFolder(client, context(acc), "Archive")).toMatchObject({ taken: 0, known: 1 });
    } finally {
      await disconnect(client);
    }
    expect(documents().map((d) => d.name)).toEqual(["twice.pdf"]);
    await server.clear("Archive");
  });

  it("after a UIDVALIDITY change takes new messages and none of those taken before", async () => {
    for (const n of [1, 2, 3])
      await server.append(
        buildMail({
          subject: `m${n}`,
          text: "x",
          parts: [{ type: "application/pdf", content: tinyPdf(`doc ${n}`), filename: `${n}.pdf` }],
        }),
      );
    const acc = account();
    expect(await sync(acc)).toMatchObject({ taken: 3 });
    const before = store.mailFolders.get("test", "INBOX")?.uidValidity;
    await server.resetUidValidity((before ?? 0) + 1000);
    await server.append(
      buildMail({
        subject: "m4",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("doc 4"), filename: "4.pdf" }],
      }),
    );
    const after = await sync(acc);
    expect(after).toMatchObject({ uidValidity: (before ?? 0) + 1000, examined: 4, taken: 1, known: 3 });
    expect(documents().map((d) => d.name)).toEqual(["1.pdf", "2.pdf", "3.pdf", "4.pdf"]);
    expect(store.mailFolders.get("test", "INBOX")).toMatchObject({
      uidValidity: (before ?? 0) + 1000,
      lastUid: 4,
    });
  });
});

describe("connection faults are explained in one sentence", () => {
  it("a wrong password, an untrusted certificate, a closed port", async () => {
    process.env[PASSWORD_ENV] = "wrong";
    const auth = await connectAccount(account(), dir.path).catch((e: unknown) => e);
    process.env[PASSWORD_ENV] = server.password;
    expect(auth).toBeInstanceOf(MailConnectionError);
    expect(auth).toMatchObject({ kind: "auth" });
    expect((auth as Error).message).toMatch(/refused the login of "tester".*app password\.$/);

    const untrusted = await connectAccount(account({ caFile: undefined }), dir.path).catch((e: unknown) => e);
    expect(untrusted).toMatchObject({ kind: "tls" });
    expect((untrusted as Error).message).toMatch(/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\).*caFile/);

    const plainAsTls = await connectAccount(account({ port: server.plainPort }), dir.path).catch(
      (e: unknown) => e,
    );
    expect(plainAsTls).toMatchObject({ kind: "tls" });
    expect((plainAsTls as Error).message).toMatch(/does not speak implicit TLS/);

    const closed = await connectAccount(account({ port: await freePort() }), dir.path).catch(
      (e: unknown) => e,
    );
    expect(closed).toMatchObject({ kind: "unreachable" });
    expect((closed as Error).message).toMatch(/^nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)/);

    const starttls = await connectAccount(
      account({ port: server.plainPort, security: "starttls" }),
      dir.path,
    );
    expect(starttls.secureConnection).toBe(true);
    await disconnect(starttls);
  });
});

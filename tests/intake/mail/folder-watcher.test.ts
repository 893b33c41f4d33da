import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mailSchema } from "../../../src/config/mail-schema.js";
import { configFileSchema } from "../../../src/config/schema.js";
import type { TakenMessage } from "../../../src/intake/mail/folder-context.js";
import { FolderWatcher } from "../../../src/intake/mail/folder-watcher.js";
import { silentLogger } from "../../../src/log/logger.js";
import { BlobStore } from "../../../src/store/blob-store.js";
import { Store } from "../../../src/store/store.js";
import { type Dovecot, startDovecot, waitFor } from "../../support/dovecot.js";
import { buildMail, tinyPdf } from "../../support/mail-builder.js";
import { tempDir } from "../../support/temp-dir.js";

let server: Dovecot;
beforeAll(async () => {
  server = await startDovecot();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

it("a watched folder takes a message the server reports while the connection idles (IMAP IDLE), long before the poll", async () => {
  const dir = tempDir();
  const store = Store.open(dir.path);
  const [account] = mailSchema.parse({
    accounts: [
      {
        name: "t",
        host: "127.0.0.1",
        port: server.tlsPort,
        caFile: server.certFile,
        user: server.user,
        passwordFile: "pw.txt",
        pollIntervalMs: 3_600_000,
      },
    ],
  }).accounts;
  writeFileSync(path.join(dir.path, "pw.txt"), `${server.password}\n`);
  const config = configFileSchema.parse({});
  const taken: TakenMessage[] = [];
  if (!account) throw new Error("no account");
  const watcher = new FolderWatcher(
    {
      account,
      mail: config.mail,
      extract: config.extract,
      store,
      blobs: new BlobStore(path.join(dir.path, "blobs")),
      logger: silentLogger,
      onTaken: (message) => taken.push(message),
    },
    "INBOX",
    dir.path,
  );
  try {
    watcher.start();
    await waitFor(
      () => store.mailFolders.get("t", "INBOX")?.state === "ok",
      60_000,
      () => "the first sync",
    );
    await server.append(
      buildMail({
        subject: "news",
        text: "x",
        parts: [{ type: "application/pdf", content: tinyPdf("n"), filename: "n.pdf" }],
      }),
    );
    await waitFor(
      () => taken.length === 1,
      90_000,
      () => "the message reported by IDLE",
    );
    expect(taken[0]?.summary.subject).toBe("news");
  } finally {
    await watcher.stop();
    store.close();
    dir.cleanup();
  }
}, 180_000);

import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mailSchema } from "../../../src/config/mail-schema.js";
import { clientOptions } from "../../../src/intake/mail/mail-connection.js";
import { readPassword } from "../../../src/intake/mail/mail-password.js";
import { tempDir } from "../../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function account(extra: Record<string, unknown>) {
  const [first] = mailSchema.parse({
    accounts: [{ name: "a", host: "imap.test", user: "u", ...extra }],
  }).accounts;
  if (!first) throw new Error("no account");
  return first;
}

describe("the account password", () => {
  it("comes from the environment variable or the first line of the file, relative to the config", () => {
    expect(readPassword(account({ passwordEnv: "PW" }), dir.path, { PW: "from env" })).toBe("from env");
    writeFileSync(path.join(dir.path, "pw.txt"), "from file\nsecond line\n");
    expect(readPassword(account({ passwordFile: "pw.txt" }), dir.path, {})).toBe("from file");
  });

  it("is explained in one sentence when missing", () => {
    expect(() => readPassword(account({ passwordEnv: "PW" }), dir.path, {})).toThrow(
      'mail account "a": the environment variable PW (passwordEnv) is not set; export it with the account\'s password or app password.',
    );
    expect(() => readPassword(account({ passwordFile: "missing.txt" }), dir.path, {})).toThrow(
      /cannot read the password file .*missing\.txt \(ENOENT\)/,
    );
  });

  it("goes to the IMAP client with certificate checks on and the right TLS mode", () => {
    const tls = clientOptions(account({ passwordEnv: "PW" }), dir.path, { PW: "x" });
    expect(tls).toMatchObject({ port: 993, secure: true, tls: { rejectUnauthorized: true } });
    const starttls = clientOptions(account({ passwordEnv: "PW", security: "starttls" }), dir.path, {
      PW: "x",
    });
    expect(starttls).toMatchObject({ port: 143, secure: false, doSTARTTLS: true });
  });
});

import { describe, expect, it } from "vitest";
import { type MailRule, mailSchema } from "../../../src/config/mail-schema.js";
import { matchRule } from "../../../src/intake/mail/match-rules.js";
import { attachmentNames, type MessageSummary } from "../../../src/intake/mail/message-summary.js";

const NOW = new Date("2026-06-15T12:00:00Z");

function message(overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    uid: 7,
    messageId: "<a@b>",
    sender: "ACME Billing <billing@acme.test>",
    from: ["ACME Billing <billing@acme.test>"],
    recipients: ["Me <me@home.test>", "books@home.test"],
    subject: "Your invoice INV-1",
    sentAt: "2026-06-14T08:00:00.000Z",
    receivedAt: "2026-06-14T08:00:05.000Z",
    size: 1000,
    attachments: ["inv-1.pdf"],
    ...overrides,
  };
}

function rules(...list: Record<string, unknown>[]): MailRule[] {
  const parsed = mailSchema.parse({
    accounts: [{ name: "a", host: "imap.test", user: "u", passwordEnv: "P", rules: list }],
  });
  return parsed.accounts[0]?.rules ?? [];
}

describe("mail rules", () => {
  it.each([
    [{ from: "ACME.TEST" }, message(), true],
    [{ from: "acme billing" }, message(), true],
    [{ from: "other.test" }, message(), false],
    [{ to: "books@" }, message(), true],
    [{ to: "boss@" }, message(), false],
    [{ subject: "invoice" }, message(), true],
    [{ subject: "invoice" }, message({ subject: null }), false],
    [{ hasAttachment: true }, message({ attachments: [] }), false],
    [{ hasAttachment: false }, message({ attachments: [] }), true],
    [{ maxAgeDays: 2 }, message(), true],
    [{ maxAgeDays: 2 }, message({ receivedAt: "2026-06-01T00:00:00.000Z" }), false],
    [{ maxAgeDays: 2 }, message({ receivedAt: null, sentAt: null }), false],
    [{ from: "acme", subject: "reminder" }, message(), false],
  ])("%j on the message → %s", (rule, msg, expected) => {
    expect(matchRule(rules(rule), msg, NOW) !== undefined).toBe(expected);
  });

  it("takes the first rule that matches and names it", () => {
    const list = rules(
      { subject: "receipt", take: "message" },
      { name: "acme", from: "acme", take: "both" },
      {},
    );
    expect(matchRule(list, message(), NOW)).toMatchObject({ label: "acme", rule: { take: "both" } });
    expect(matchRule(list, message({ from: ["x@y.test"] }), NOW)?.label).toBe("rule 3");
  });
});

describe("attachments in a BODYSTRUCTURE", () => {
  it("counts files and forwarded messages, not the text body nor logos shown inline", () => {
    const names = attachmentNames({
      type: "multipart/mixed",
      childNodes: [
        {
          type: "multipart/related",
          childNodes: [
            { type: "text/html", parameters: { charset: "utf-8" } },
            { type: "image/png", id: "<logo@x>", disposition: "inline" },
          ],
        },
        { type: "application/pdf", disposition: "attachment", dispositionParameters: { filename: "a.pdf" } },
        { type: "application/pdf", disposition: "inline", parameters: { name: "b.pdf" } },
        { type: "message/rfc822", envelope: { subject: "Fwd" }, childNodes: [{ type: "text/plain" }] },
        { type: "text/plain", disposition: "attachment", dispositionParameters: { filename: "notes.txt" } },
      ],
    });
    expect(names).toEqual(["a.pdf", "b.pdf", "Fwd", "notes.txt"]);
  });
});

describe("mail.accounts validation", () => {
  const base = {
    name: "work",
    host: "imap.example.com",
    user: "me@example.com",
    passwordEnv: "WORK_PASSWORD",
  };
  const issues = (account: Record<string, unknown>) => {
    const result = mailSchema.safeParse({ accounts: [account] });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it.each([
    [{ ...base }, []],
    [
      { ...base, passwordEnv: undefined },
      ["accounts.0.passwordEnv: give exactly one of passwordEnv (an environment variable) or passwordFile"],
    ],
    [
      { ...base, passwordFile: "pw.txt" },
      ["accounts.0.passwordEnv: give exactly one of passwordEnv (an environment variable) or passwordFile"],
    ],
    [{ ...base, password: "hunter2" }, ['accounts.0: Unrecognized key: "password"']],
    [
      { ...base, security: "none" },
      [
        "accounts.0.security: `security: none` sends the password in clear text; it is allowed only for 127.0.0.1/localhost",
      ],
    ],
    [{ ...base, host: "127.0.0.1", security: "none" }, []],
    [
      { ...base, rules: [{ after: "move" }] },
      ["accounts.0.rules.0.moveTo: `after: move` needs `moveTo`, a folder"],
    ],
    [
      { ...base, rules: [{ take: "everything" }] },
      [expect.stringMatching(/^accounts\.0\.rules\.0\.take: Invalid option/)],
    ],
    [{ ...base, name: "my account" }, [expect.stringMatching(/^accounts\.0\.name: an account name is/)]],
  ])("%j", (account, expected) => {
    expect(issues(account)).toEqual(expected);
  });

  it("refuses two accounts with the same name, and defaults the rest", () => {
    expect(mailSchema.safeParse({ accounts: [base, base] }).success).toBe(false);
    const [account] = mailSchema.parse({ accounts: [base] }).accounts;
    expect(account).toMatchObject({
      security: "tls",
      folders: ["INBOX"],
      idle: true,
      pollIntervalMs: 300_000,
      rules: [{ take: "attachments", after: "none" }],
    });
  });
});

import { z } from "zod";

const MiB = 1024 * 1024;

/** Hosts where a connection without TLS never leaves the machine. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export const MAIL_TAKE = ["attachments", "message", "both"] as const;
export const MAIL_AFTER = ["none", "seen", "flag", "move"] as const;

const mailRuleSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("A name shown in `mail status` and in the log."),
    from: z
      .string()
      .min(1)
      .optional()
      .describe("Only messages whose From (address or name) contains this text, ignoring case."),
    to: z
      .string()
      .min(1)
      .optional()
      .describe("Only messages with a To or Cc recipient (address or name) containing this text."),
    subject: z.string().min(1).optional().describe("Only messages whose subject contains this text."),
    hasAttachment: z
      .boolean()
      .optional()
      .describe("true: only messages with an attachment; false: only messages without one."),
    maxAgeDays: z
      .int()
      .positive()
      .optional()
      .describe("Only messages the server received at most this many days ago."),
    take: z
      .enum(MAIL_TAKE)
      .default("attachments")
      .describe(
        "`attachments`: each attachment is a document; `message`: the message as one `.eml` document (attachments not opened); `both`: the `.eml` document with its attachments as child documents.",
      ),
    after: z
      .enum(MAIL_AFTER)
      .default("none")
      .describe(
        "What docsort does on the server once the documents are stored: nothing, mark seen (\\Seen), flag (\\Flagged) or move to `moveTo`.",
      ),
    moveTo: z.string().min(1).optional().describe("Target folder of `after: move`; it must exist."),
  })
  .superRefine((rule, ctx) => {
    if (rule.after === "move" && !rule.moveTo)
      ctx.addIssue({ code: "custom", path: ["moveTo"], message: "`after: move` needs `moveTo`, a folder" });
    if (rule.after !== "move" && rule.moveTo)
      ctx.addIssue({ code: "custom", path: ["moveTo"], message: "`moveTo` is only used with `after: move`" });
  });

const mailAccountSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
        "an account name is letters, digits, _, . and -, starting with a letter or digit",
      )
      .describe("Used on the command line (`docsort mail test NAME`) and in the log."),
    host: z.string().min(1).describe("IMAP server, e.g. imap.gmail.com."),
    port: z.int().min(1).max(65535).optional().describe("Default: 993 with `security: tls`, 143 otherwise."),
    security: z
      .enum(["tls", "starttls", "none"])
      .default("tls")
      .describe(
        "`tls`: implicit TLS (port 993); `starttls`: plain connection upgraded with STARTTLS, refused if the server does not offer it; `none`: no encryption, allowed only for a server on this machine.",
      ),
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "PEM file with the certificate (or its CA) of a server whose certificate is self-signed; trusted in addition to the system's CAs. Certificate checks stay on.",
      ),
    user: z.string().min(1).describe("Login name, usually the e-mail address."),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
      .optional()
      .describe("Environment variable holding the password (or app password). The password is never stored."),
    passwordFile: z
      .string()
      .min(1)
      .optional()
      .describe("File holding the password (first line); relative to the config file."),
    folders: z.array(z.string().min(1)).min(1).default(["INBOX"]).describe("Folders to take messages from."),
    idle: z
      .boolean()
      .default(true)
      .describe("Use IMAP IDLE to hear of new messages at once, when the server supports it."),
    pollIntervalMs: z
      .int()
      .min(1000)
      .default(300_000)
      .describe("How often each folder is checked (without IDLE, and as a safety net with it)."),
    rules: z
      .array(mailRuleSchema)
      .min(1)
      .default([{ take: "attachments", after: "none" }])
      .describe("Which messages are taken and how; the first matching rule wins, others are left alone."),
  })
  .superRefine((account, ctx) => {
    const sources = [account.passwordEnv, account.passwordFile].filter(Boolean).length;
    if (sources !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["passwordEnv"],
        message: "give exactly one of passwordEnv (an environment variable) or passwordFile",
      });
    if (account.security === "none" && !LOOPBACK_HOSTS.has(account.host.toLowerCase()))
      ctx.addIssue({
        code: "custom",
        path: ["security"],
        message:
          "`security: none` sends the password in clear text; it is allowed only for 127.0.0.1/localhost",
      });
  });

export const mailSchema = z
  .strictObject({
    accounts: z.array(mailAccountSchema).default([]).describe("IMAP mailboxes read as a second inbox."),
    maxMessageBytes: z
      .int()
      .positive()
      .default(50 * MiB)
      .describe("Larger messages are not downloaded; they are recorded as too large and left on the server."),
  })
  .superRefine((mail, ctx) => {
    const seen = new Set<string>();
    for (const [index, { name }] of mail.accounts.entries()) {
      if (seen.has(name))
        ctx.addIssue({
          code: "custom",
          path: ["accounts", index, "name"],
          message: `duplicate account "${name}"`,
        });
      seen.add(name);
    }
  });

export type MailConfig = z.infer<typeof mailSchema>;
export type MailAccount = z.infer<typeof mailAccountSchema>;
export type MailRule = z.infer<typeof mailRuleSchema>;
export type MailTake = (typeof MAIL_TAKE)[number];
export type MailAfter = (typeof MAIL_AFTER)[number];

/** 993 for implicit TLS, 143 for STARTTLS and plain (RFC 8314 §7.3, RFC 9051 §2.1). */
export function accountPort(account: MailAccount): number {
  return account.port ?? (account.security === "tls" ? 993 : 143);
}

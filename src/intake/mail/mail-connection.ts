import { readFileSync } from "node:fs";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import { accountPort, type MailAccount } from "../../config/mail-schema.js";
import { ConfigError, DocsortError } from "../../errors.js";
import { explainImapError, type MailFault } from "./explain-imap-error.js";
import { readPassword } from "./mail-password.js";

/** An IMAP fault explained in one sentence; `kind` says whether waiting can fix it. */
export class MailConnectionError extends DocsortError {
  readonly kind: MailFault["kind"];
  constructor(fault: MailFault, options?: { cause?: unknown }) {
    super(fault.message, 1, options);
    this.name = "MailConnectionError";
    this.kind = fault.kind;
  }
}

/**
 * ImapFlow options for an account. Certificate checks are always on; `caFile` adds a PEM certificate to the
 * trusted set (for a self-signed local server). `security: starttls` sets `doSTARTTLS`, so a server that does
 * not offer STARTTLS is refused instead of being spoken to in clear text.
 */
export function clientOptions(account: MailAccount, baseDir: string, env = process.env): ImapFlowOptions {
  const options: ImapFlowOptions = {
    host: account.host,
    port: accountPort(account),
    secure: account.security === "tls",
    doSTARTTLS: account.security === "starttls" ? true : account.security === "none" ? false : undefined,
    auth: { user: account.user, pass: readPassword(account, baseDir, env) },
    logger: false,
    disableAutoIdle: !account.idle,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    // a folder that sits in IDLE still gets a NOOP/IDLE restart this often, well inside server timeouts
    maxIdleTime: Math.min(account.pollIntervalMs, 25 * 60_000),
    // IDLE starts this long after the last command; a message arriving meanwhile is reported when it does
    autoIdleDelay: 3000,
    tls: { rejectUnauthorized: true, minVersion: "TLSv1.2" },
  };
  if (account.caFile) {
    const file = path.resolve(baseDir, account.caFile);
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(
        `mail account "${account.name}": cannot read caFile ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}).`,
        { cause: error },
      );
    }
    options.tls = { ...options.tls, ca: [...rootCertificates, pem] };
  }
  return options;
}

/** Connects and logs in; rejects with a MailConnectionError (one sentence) or a ConfigError (no password). */
export async function connectAccount(account: MailAccount, baseDir: string): Promise<ImapFlow> {
  const client = new ImapFlow(clientOptions(account, baseDir));
  // without a listener an 'error' event would be thrown; connection loss is seen through 'close' and failed calls
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.close();
    throw new MailConnectionError(explainImapError(error, account, accountPort(account)), { cause: error });
  }
}

/** Logs out politely, or just closes a connection that is already broken. Never throws. */
export async function disconnect(client: ImapFlow): Promise<void> {
  if (!client.usable) {
    client.close();
    return;
  }
  try {
    await Promise.race([client.logout(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  } catch {
    // already gone
  } finally {
    client.close();
  }
}

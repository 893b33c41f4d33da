import type { ImapFlow } from "imapflow";
import { accountPort } from "../../config/mail-schema.js";
import { nowIso } from "../../store/clock.js";
import { explainImapError, type MailFaultKind } from "./explain-imap-error.js";
import { FaultReporter } from "./fault-reporter.js";
import type { MailContext } from "./folder-context.js";
import { connectAccount, disconnect, MailConnectionError } from "./mail-connection.js";
import { syncFolder } from "./sync-folder.js";

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;

/**
 * Keeps one folder of one account taken in, on a connection of its own: a sync at start, then again when the
 * server reports new messages (IMAP IDLE, RFC 2177; imapflow falls back to NOOP polling without it) and every
 * `pollIntervalMs` in any case. A lost connection is reopened with backoff; a configuration fault (password,
 * certificate, folder) is retried only at the poll interval, so a wrong password does not hammer the server.
 */
export class FolderWatcher {
  private stopped = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private client: ImapFlow | undefined;
  private running: Promise<void> | undefined;
  private readonly faults: FaultReporter;

  constructor(
    private readonly ctx: MailContext,
    private readonly folder: string,
    private readonly baseDir: string,
  ) {
    this.faults = new FaultReporter(ctx.store, ctx.logger, ctx.account.name, [folder]);
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    if (this.client) this.client.close();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let kind: MailFaultKind | undefined;
      try {
        await this.session();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        const fault =
          error instanceof MailConnectionError
            ? { kind: error.kind, message: error.message }
            : explainImapError(error, this.ctx.account, accountPort(this.ctx.account));
        kind = fault.kind;
        this.faults.fault(`${this.folder}: ${fault.message}`);
        failures += 1;
      }
      if (this.stopped) return;
      await this.sleep(this.retryDelay(kind, failures));
    }
  }

  /** One connection: sync, wait for news, sync again, until the connection ends. */
  private async session(): Promise<void> {
    const { ctx, folder } = this;
    ctx.store.mailFolders.markAttempt(ctx.account.name, folder, nowIso());
    const client = await connectAccount(ctx.account, this.baseDir);
    this.client = client;
    const wake = () => this.wake();
    client.on("exists", (event) => {
      if (event.count > event.prevCount) wake();
    });
    client.on("close", wake);
    try {
      while (!this.stopped && client.usable) {
        await syncFolder(client, ctx, folder);
        this.faults.ok(folder);
        await this.sleep(ctx.account.pollIntervalMs);
      }
      if (!this.stopped)
        throw Object.assign(new Error("the server closed the connection"), { code: "NoConnection" });
    } finally {
      this.client = undefined;
      await disconnect(client);
    }
  }

  private retryDelay(kind: MailFaultKind | undefined, failures: number): number {
    const poll = this.ctx.account.pollIntervalMs;
    if (kind === "auth" || kind === "tls" || kind === "folder") return poll;
    return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failures - 1), RETRY_MAX_MS, poll);
  }

  /** News arrived (or the connection ended): the next sleep ends at once. */
  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
    });
  }
}

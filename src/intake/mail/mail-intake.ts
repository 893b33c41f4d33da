import path from "node:path";
import type { MailAccount } from "../../config/mail-schema.js";
import { accountPort } from "../../config/mail-schema.js";
import type { Config } from "../../config/schema.js";
import { ConfigError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { BlobStore } from "../../store/blob-store.js";
import { nowIso } from "../../store/clock.js";
import type { Store } from "../../store/store.js";
import { explainImapError } from "./explain-imap-error.js";
import { FaultReporter } from "./fault-reporter.js";
import type { MailContext, TakenMessage } from "./folder-context.js";
import { FolderWatcher } from "./folder-watcher.js";
import { connectAccount, disconnect, MailConnectionError } from "./mail-connection.js";
import { type FolderSyncResult, syncFolder } from "./sync-folder.js";

export interface MailIntakeOptions {
  config: Config;
  store: Store;
  blobs: BlobStore;
  logger: Logger;
  onTaken?: (taken: TakenMessage) => void;
}

/** One account's run of `syncOnce`: the folders synced, or the one-sentence reason it could not be. */
export interface AccountSyncResult {
  account: string;
  folders: FolderSyncResult[];
  error: string | undefined;
}

/** Relative `passwordFile` and `caFile` paths are relative to the config file (or the working folder). */
export function configDir(config: Config): string {
  return config.source ? path.dirname(config.source) : process.cwd();
}

/**
 * The mail source beside the folder watcher: every configured account and folder, producing the same queued
 * documents the inbox does. `start` keeps watching (the daemon); `syncOnce` takes what is there now.
 */
export class MailIntake {
  private readonly watchers: FolderWatcher[] = [];

  constructor(private readonly options: MailIntakeOptions) {}

  get accounts(): readonly MailAccount[] {
    return this.options.config.mail.accounts;
  }

  start(): void {
    for (const account of this.accounts) {
      for (const folder of account.folders) {
        const watcher = new FolderWatcher(this.context(account), folder, configDir(this.options.config));
        this.watchers.push(watcher);
        watcher.start();
      }
    }
    if (this.watchers.length > 0)
      this.options.logger.info(
        `watching ${this.watchers.length} mail folder(s) of ${this.accounts.length} account(s)`,
      );
  }

  async stop(): Promise<void> {
    await Promise.all(this.watchers.splice(0).map((watcher) => watcher.stop()));
  }

  /** One pass over the accounts (all, or the one named), each on one connection. Faults are recorded, not thrown. */
  async syncOnce(only?: string, dryRun = false): Promise<AccountSyncResult[]> {
    const accounts = only ? this.accounts.filter((a) => a.name === only) : this.accounts;
    if (only && accounts.length === 0) throw unknownAccount(only, this.accounts);
    const results: AccountSyncResult[] = [];
    for (const account of accounts) results.push(await this.syncAccount(account, dryRun));
    return results;
  }

  private async syncAccount(account: MailAccount, dryRun: boolean): Promise<AccountSyncResult> {
    const ctx = this.context(account);
    const faults = new FaultReporter(ctx.store, ctx.logger, account.name, account.folders);
    const result: AccountSyncResult = { account: account.name, folders: [], error: undefined };
    let client: Awaited<ReturnType<typeof connectAccount>> | undefined;
    try {
      if (!dryRun)
        for (const folder of account.folders)
          ctx.store.mailFolders.markAttempt(account.name, folder, nowIso());
      client = await connectAccount(account, configDir(this.options.config));
      for (const folder of account.folders) {
        result.folders.push(await syncFolder(client, ctx, folder, dryRun));
        if (!dryRun) faults.ok(folder);
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const message =
        error instanceof MailConnectionError
          ? error.message
          : explainImapError(error, account, accountPort(account)).message;
      result.error = message;
      if (dryRun) ctx.logger.error(`mail ${account.name}: ${message}`);
      else faults.fault(message);
    } finally {
      if (client) await disconnect(client);
    }
    return result;
  }

  private context(account: MailAccount): MailContext {
    const { config, store, blobs, logger, onTaken } = this.options;
    return {
      account,
      mail: config.mail,
      extract: config.extract,
      store,
      blobs,
      logger,
      ...(onTaken ? { onTaken } : {}),
    };
  }
}

export function unknownAccount(name: string, accounts: readonly MailAccount[]): ConfigError {
  const known = accounts.map((a) => a.name).join(", ");
  return new ConfigError(
    `there is no mail account "${name}" in the configuration${known ? ` (accounts: ${known})` : " (mail.accounts is empty)"}.`,
  );
}

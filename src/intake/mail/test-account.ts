import type { ImapFlow, MailboxObject } from "imapflow";
import type { MailAccount } from "../../config/mail-schema.js";
import { accountPort } from "../../config/mail-schema.js";
import type { Store } from "../../store/store.js";
import { connectAccount, disconnect } from "./mail-connection.js";
import { matchRule } from "./match-rules.js";
import { SUMMARY_QUERY, summarise } from "./message-summary.js";

const CHUNK = 500;

export interface FolderCheck {
  folder: string;
  exists: boolean;
  messages: number;
  /** Messages some rule matches, by rule label. */
  matching: number;
  byRule: Record<string, number>;
  /** Matching messages above docsort's progress mark: what the next fetch would look at. */
  notYetTaken: number;
}

export interface AccountCheck {
  account: string;
  server: string;
  security: MailAccount["security"];
  encrypted: boolean;
  idle: boolean;
  /** Every folder on the server (LIST). */
  folders: string[];
  checked: FolderCheck[];
  /** One sentence each: a watched folder or a move target that does not exist. */
  problems: string[];
}

/**
 * `docsort mail test`: connects, lists the folders, and counts the messages each rule matches — read-only
 * (EXAMINE, RFC 9051 §6.3.3), so nothing on the server changes, and nothing is written to the store.
 * Rejects with a MailConnectionError (one sentence) when the account cannot log in.
 */
export async function testAccount(
  account: MailAccount,
  baseDir: string,
  store?: Store,
): Promise<AccountCheck> {
  const client = await connectAccount(account, baseDir);
  try {
    const folders = (await client.list()).map((entry) => entry.path);
    const problems: string[] = [];
    const checked: FolderCheck[] = [];
    for (const folder of account.folders) {
      if (!folders.includes(folder)) {
        problems.push(
          `the folder "${folder}" does not exist on the server (folders: ${folders.join(", ")}).`,
        );
        checked.push({ folder, exists: false, messages: 0, matching: 0, byRule: {}, notYetTaken: 0 });
        continue;
      }
      checked.push(await countMatching(client, account, folder, store));
    }
    for (const rule of account.rules) {
      if (rule.moveTo && !folders.includes(rule.moveTo))
        problems.push(
          `the folder "${rule.moveTo}" (moveTo) does not exist on the server; create it or fix moveTo.`,
        );
    }
    return {
      account: account.name,
      server: `${account.host}:${accountPort(account)}`,
      security: account.security,
      encrypted: client.secureConnection,
      idle: client.capabilities.has("IDLE"),
      folders,
      checked,
      problems,
    };
  } finally {
    await disconnect(client);
  }
}

async function countMatching(
  client: ImapFlow,
  account: MailAccount,
  folder: string,
  store?: Store,
): Promise<FolderCheck> {
  const lock = await client.getMailboxLock(folder, { readOnly: true, description: "docsort mail test" });
  try {
    const mailbox = client.mailbox as MailboxObject;
    const progress = store?.mailFolders.get(account.name, folder);
    const mark = progress?.uidValidity === Number(mailbox.uidValidity) ? progress.lastUid : 0;
    const check: FolderCheck = {
      folder,
      exists: true,
      messages: mailbox.exists,
      matching: 0,
      byRule: {},
      notYetTaken: 0,
    };
    for (let start = 1; start <= mailbox.exists; start += CHUNK) {
      const end = Math.min(start + CHUNK - 1, mailbox.exists);
      for (const message of await client.fetchAll(`${start}:${end}`, SUMMARY_QUERY)) {
        const match = matchRule(account.rules, summarise(message));
        if (!match) continue;
        check.matching += 1;
        check.byRule[match.label] = (check.byRule[match.label] ?? 0) + 1;
        if (message.uid > mark) check.notYetTaken += 1;
      }
    }
    return check;
  } finally {
    lock.release();
  }
}

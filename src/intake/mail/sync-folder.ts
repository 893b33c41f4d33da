import type { ImapFlow, MailboxObject } from "imapflow";
import type { MailRule } from "../../config/mail-schema.js";
import { nowIso } from "../../store/clock.js";
import { type MailContext, messageLabel } from "./folder-context.js";
import { matchRule } from "./match-rules.js";
import { type MessageSummary, SUMMARY_QUERY, summarise } from "./message-summary.js";
import { applyAction, applyUnfinishedActions } from "./server-actions.js";
import { takeMessage } from "./take-message.js";

const CHUNK = 100;

/** A message a rule matched in a dry run: what would happen to it. */
export interface PlannedMessage {
  uid: number;
  summary: MessageSummary;
  rule: string;
  take: MailRule["take"];
  after: MailRule["after"];
  moveTo: string | undefined;
}

export interface FolderSyncResult {
  account: string;
  folder: string;
  uidValidity: number;
  /** Messages looked at (UIDs above the progress mark). */
  examined: number;
  taken: number;
  /** Matched, but nothing was taken: no attachments to take, too large, unreadable (each logged once). */
  notTaken: number;
  /** Matched, but the same message was taken before (another folder, an earlier UIDVALIDITY). */
  known: number;
  skipped: number;
  documents: number;
  /** Only in a dry run. */
  planned: PlannedMessage[];
}

/**
 * Takes every new message of one folder that a rule matches, oldest UID first. Progress is the pair
 * (UIDVALIDITY, highest decided UID) in `mail_folders` (RFC 9051 §2.3.1.1): UIDs above the mark are new; when
 * the server's UIDVALIDITY differs from the stored one, the old UIDs mean nothing, so the mark starts over and
 * every message is checked again against what this account already took (by Message-ID, else by content).
 * With `dryRun` the folder is opened read-only (EXAMINE) and nothing is written anywhere.
 */
export async function syncFolder(
  client: ImapFlow,
  ctx: MailContext,
  folder: string,
  dryRun = false,
): Promise<FolderSyncResult> {
  const { store, account, logger } = ctx;
  const lock = await client.getMailboxLock(folder, { readOnly: dryRun, description: "docsort sync" });
  try {
    const mailbox = client.mailbox as MailboxObject;
    const uidValidity = Number(mailbox.uidValidity);
    const known = store.mailFolders.get(account.name, folder);
    let lastUid = known?.uidValidity === uidValidity ? known.lastUid : 0;
    if (!dryRun && known?.uidValidity !== uidValidity) {
      const now = nowIso();
      if (known?.uidValidity != null) {
        logger.warn(
          `${account.name}/${folder}: the server changed UIDVALIDITY (${known.uidValidity} → ${uidValidity}), so its message numbers changed; every message is checked again and those taken before (same Message-ID or content) are not taken twice`,
        );
        store.mailMessages.abandonActions(
          account.name,
          folder,
          uidValidity,
          "UIDVALIDITY changed before the server action ran",
          now,
        );
      }
      store.mailFolders.resetValidity(account.name, folder, uidValidity, now);
      lastUid = 0;
    }
    if (!dryRun) await applyUnfinishedActions(client, ctx, folder, uidValidity);

    const result: FolderSyncResult = {
      account: account.name,
      folder,
      uidValidity,
      examined: 0,
      taken: 0,
      notTaken: 0,
      known: 0,
      skipped: 0,
      documents: 0,
      planned: [],
    };
    // UIDNEXT is only as fresh as the last SELECT (an open mailbox learns of new mail through EXISTS): search
    if (mailbox.exists === 0) return result;
    const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
    // `N:*` also returns the highest UID when it is below N (RFC 9051 §6.4.8): keep only real news
    const uids = (found || []).filter((uid) => uid > lastUid).sort((a, b) => a - b);
    for (let start = 0; start < uids.length; start += CHUNK) {
      const chunk = uids.slice(start, start + CHUNK);
      const messages = await client.fetchAll(chunk.join(","), SUMMARY_QUERY, { uid: true });
      messages.sort((a, b) => a.uid - b.uid);
      let skipped = 0;
      for (const message of messages) {
        result.examined += 1;
        const summary = summarise(message);
        const match = matchRule(account.rules, summary);
        if (!match) {
          skipped += 1;
          result.skipped += 1;
          continue;
        }
        if (dryRun) {
          result.planned.push(plan(summary, match.label, match.rule));
          continue;
        }
        if (skipped > 0) store.mailFolders.advance(account.name, folder, summary.uid - 1, skipped, nowIso());
        skipped = 0;
        const outcome = await takeMessage(client, ctx, { folder, uidValidity }, summary, match);
        if (outcome.kind === "known") {
          result.known += 1;
          logger.debug(`${messageLabel(account.name, folder, summary.uid)}: ${outcome.reason}`);
        } else if (outcome.kind === "taken") {
          const { record } = outcome.taken;
          if (record.status === "taken") result.taken += 1;
          else {
            result.notTaken += 1;
            logger.warn(
              `${messageLabel(account.name, folder, summary.uid)}: ${record.reason ?? record.status}`,
            );
          }
          result.documents += outcome.taken.documents.length;
          ctx.onTaken?.(outcome.taken);
          if (record.actionStatus === "pending") await applyAction(client, ctx, record);
        }
      }
      const last = chunk.at(-1);
      if (!dryRun && last !== undefined)
        store.mailFolders.advance(account.name, folder, last, skipped, nowIso());
    }
    return result;
  } finally {
    lock.release();
  }
}

function plan(summary: MessageSummary, rule: string, config: MailRule): PlannedMessage {
  return { uid: summary.uid, summary, rule, take: config.take, after: config.after, moveTo: config.moveTo };
}

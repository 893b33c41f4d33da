import type { ImapFlow } from "imapflow";
import { errorMessage } from "../../errors.js";
import { nowIso } from "../../store/clock.js";
import type { MailMessageRecord } from "../../store/mail-messages-repo.js";
import type { MailContext } from "./folder-context.js";
import { messageLabel } from "./folder-context.js";

/** RFC 9051 §2.3.2 system flags. */
const FLAG_OF = { seen: "\\Seen", flag: "\\Flagged" } as const;

/** Errors of the connection itself: the action stays pending and is done after reconnecting. */
const CONNECTION_CODES = new Set(["NoConnection", "EConnectionClosed", "ECONNRESET", "EPIPE", "ETIMEOUT"]);

/**
 * Does a taken message's server action (mark seen, flag, move) — only ever for a message whose documents are
 * committed, since the record it reads is written in the same transaction. The outcome is recorded; a refusal
 * is logged once. A lost connection rethrows and leaves the action pending for the next sync.
 */
export async function applyAction(
  client: ImapFlow,
  ctx: MailContext,
  message: MailMessageRecord,
): Promise<void> {
  const { store, logger } = ctx;
  const label = messageLabel(message.account, message.folder, message.uid);
  let done: boolean;
  try {
    done = await runAction(client, message);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (CONNECTION_CODES.has(code) || !client.usable) throw error;
    return fail(ctx, message, `${label}: the server refused to ${describe(message)}: ${errorMessage(error)}`);
  }
  if (!done) return fail(ctx, message, `${label}: the server refused to ${describe(message)}`);
  store.mailMessages.finishAction(message.id, "done", null, nowIso());
  logger.debug(`${label}: ${describe(message)}`);
}

/** Actions left pending by a crash or refused earlier, in this folder under the current UIDVALIDITY. */
export async function applyUnfinishedActions(
  client: ImapFlow,
  ctx: MailContext,
  folder: string,
  uidValidity: number,
): Promise<void> {
  for (const message of ctx.store.mailMessages.unfinishedActions(ctx.account.name, folder, uidValidity)) {
    await applyAction(client, ctx, message);
  }
}

async function runAction(client: ImapFlow, message: MailMessageRecord): Promise<boolean> {
  const uid = String(message.uid);
  switch (message.action) {
    case "none":
      return true;
    case "seen":
    case "flag":
      return client.messageFlagsAdd(uid, [FLAG_OF[message.action]], { uid: true });
    case "move": {
      const moved = await client.messageMove(uid, message.moveTo ?? "", { uid: true });
      return moved !== false;
    }
  }
}

function describe(message: MailMessageRecord): string {
  if (message.action === "move") return `move it to ${message.moveTo}`;
  return message.action === "seen" ? "mark it seen" : "flag it";
}

function fail(ctx: MailContext, message: MailMessageRecord, why: string): void {
  // one log line when the action first fails, not one per retry
  if (message.actionStatus !== "failed") ctx.logger.warn(why);
  ctx.store.mailMessages.finishAction(message.id, "failed", why, nowIso());
}

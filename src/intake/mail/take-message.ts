import { createHash } from "node:crypto";
import type { ImapFlow } from "imapflow";
import { errorMessage } from "../../errors.js";
import { formatBytes } from "../../extract/errors.js";
import { nowIso } from "../../store/clock.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { MailMessageStatus, NewMailMessage } from "../../store/mail-messages-repo.js";
import { registerFoundFile } from "../register-found-file.js";
import { type MailContext, messageLabel, messageUrl, type TakenMessage } from "./folder-context.js";
import type { RuleMatch } from "./match-rules.js";
import { attachmentsOf, type MessageFile, messageFileName } from "./message-documents.js";
import type { MessageSummary } from "./message-summary.js";

export type TakeOutcome =
  | { kind: "taken"; taken: TakenMessage }
  | { kind: "known"; reason: string }
  | { kind: "gone" };

interface Place {
  folder: string;
  uidValidity: number;
}

/**
 * Downloads one message a rule matched and stores what the rule takes. Blobs are written first; the documents,
 * the message record and the folder's progress mark are then committed in one transaction, so a crash leaves
 * the message either wholly taken or not at all (and then it is taken by the next sync). Server-side actions
 * come after, from the record. Connection errors propagate: the message stays untaken.
 */
export async function takeMessage(
  client: ImapFlow,
  ctx: MailContext,
  place: Place,
  summary: MessageSummary,
  match: RuleMatch,
): Promise<TakeOutcome> {
  const { account, mail, store } = ctx;
  const known = store.mailMessages.findTaken(account.name, { messageId: summary.messageId });
  if (known) return markKnown(ctx, place, summary.uid, known.folder, known.uid);
  if (summary.size > mail.maxMessageBytes) {
    const reason = `the message is ${formatBytes(summary.size)}, more than mail.maxMessageBytes (${formatBytes(mail.maxMessageBytes)}); it was left on the server`;
    return record(ctx, place, summary, match, { status: "too_large", reason, sha256: null, files: [] });
  }
  const fetched = await client.fetchOne(String(summary.uid), { uid: true, source: true }, { uid: true });
  if (fetched === false || !fetched.source) return { kind: "gone" };
  const source = new Uint8Array(fetched.source);
  const sha256 = createHash("sha256").update(source).digest("hex");
  const sameBytes = store.mailMessages.findTaken(account.name, { sha256 });
  if (sameBytes) return markKnown(ctx, place, summary.uid, sameBytes.folder, sameBytes.uid);

  const name = messageFileName(summary);
  const files: MessageFile[] = [];
  let reason: string | null = null;
  if (match.rule.take !== "attachments") files.push({ part: "message", name, bytes: source });
  else {
    try {
      const found = await attachmentsOf(source, name, ctx.extract);
      files.push(...found.files);
      if (found.warnings.length > 0) reason = found.warnings.join("; ");
      if (found.files.length === 0) {
        const why = "the rule takes attachments and the message has none it can take; it was left as it is";
        return record(ctx, place, summary, match, { status: "empty", reason: why, sha256, files: [] });
      }
    } catch (error) {
      const why = `the message cannot be read: ${errorMessage(error)}; it was left on the server`;
      return record(ctx, place, summary, match, { status: "unreadable", reason: why, sha256, files: [] });
    }
  }
  return record(ctx, place, summary, match, { status: "taken", reason, sha256, files });
}

interface Decision {
  status: MailMessageStatus;
  reason: string | null;
  sha256: string | null;
  files: MessageFile[];
}

async function record(
  ctx: MailContext,
  place: Place,
  summary: MessageSummary,
  match: RuleMatch,
  decision: Decision,
): Promise<TakeOutcome> {
  const { account, store, blobs } = ctx;
  const url = messageUrl(account, place.folder, place.uidValidity, summary.uid);
  const stored: { file: MessageFile; sha256: string; path: string }[] = [];
  for (const file of decision.files) stored.push({ file, ...(await blobs.put(file.bytes)) });
  const acts = decision.status === "taken" && stored.length > 0 && match.rule.after !== "none";
  const message: NewMailMessage = {
    account: account.name,
    folder: place.folder,
    uidValidity: place.uidValidity,
    uid: summary.uid,
    messageId: summary.messageId,
    sha256: decision.sha256,
    sender: summary.sender,
    subject: summary.subject,
    sentAt: summary.sentAt,
    receivedAt: summary.receivedAt,
    size: summary.size,
    rule: match.label,
    take: match.rule.take,
    status: decision.status,
    reason: decision.reason,
    action: match.rule.after,
    moveTo: match.rule.moveTo ?? null,
    actionStatus: acts ? "pending" : "none",
  };
  const origin = `from mail ${messageLabel(account.name, place.folder, summary.uid)}: "${summary.subject ?? ""}" from ${summary.sender ?? "?"}`;
  return store.transaction(() => {
    const now = nowIso();
    if (store.mailMessages.find(account.name, place.folder, place.uidValidity, summary.uid)) {
      return { kind: "known", reason: "taken meanwhile by another docsort process" } as const;
    }
    const row = store.mailMessages.add(message, now);
    const documents: DocumentRecord[] = [];
    for (const { file, sha256, path } of stored) {
      const documentPath = file.part === "message" ? url : `${url}#${file.name}`;
      const document = registerFoundFile(
        store,
        { sha256, blobPath: path, path: documentPath, name: file.name, size: file.bytes.byteLength },
        origin,
        now,
      );
      store.mailMessages.linkDocument(document.id, row.id, file.part);
      documents.push(document);
    }
    store.mailFolders.advance(account.name, place.folder, summary.uid, 0, now);
    return {
      kind: "taken",
      taken: { account: account.name, folder: place.folder, summary, record: row, documents },
    } as const;
  });
}

function markKnown(
  ctx: MailContext,
  place: Place,
  uid: number,
  folder: string,
  earlierUid: number,
): TakeOutcome {
  ctx.store.mailFolders.advance(ctx.account.name, place.folder, uid, 0, nowIso());
  return { kind: "known", reason: `already taken from ${folder} (uid ${earlierUid})` };
}

import type { MailAccount, MailConfig } from "../../config/mail-schema.js";
import { accountPort } from "../../config/mail-schema.js";
import type { ExtractConfig } from "../../config/schema.js";
import type { Logger } from "../../log/logger.js";
import type { BlobStore } from "../../store/blob-store.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { MailMessageRecord } from "../../store/mail-messages-repo.js";
import type { Store } from "../../store/store.js";
import type { MessageSummary } from "./message-summary.js";

/** A message a rule matched and what became of it. */
export interface TakenMessage {
  account: string;
  folder: string;
  summary: MessageSummary;
  record: MailMessageRecord;
  documents: DocumentRecord[];
}

/** Everything a folder sync needs, built once per account. */
export interface MailContext {
  account: MailAccount;
  mail: MailConfig;
  extract: ExtractConfig;
  store: Store;
  blobs: BlobStore;
  logger: Logger;
  onTaken?: (taken: TakenMessage) => void;
}

/** The message's IMAP URL (RFC 5092): `imap://user@host:port/INBOX;UIDVALIDITY=v/;UID=n`. */
export function messageUrl(account: MailAccount, folder: string, uidValidity: number, uid: number): string {
  const user = encodeURIComponent(account.user);
  const mailbox = folder.split("/").map(encodeURIComponent).join("/");
  return `imap://${user}@${account.host}:${accountPort(account)}/${mailbox};UIDVALIDITY=${uidValidity}/;UID=${uid}`;
}

/** `work/INBOX uid 12`: how the log and the CLI name a message. */
export function messageLabel(account: string, folder: string, uid: number): string {
  return `${account}/${folder} uid ${uid}`;
}

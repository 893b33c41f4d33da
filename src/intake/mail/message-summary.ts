import type { FetchMessageObject, MessageAddressObject, MessageStructureObject } from "imapflow";

/** What docsort knows of a message before downloading it: ENVELOPE, BODYSTRUCTURE, INTERNALDATE, RFC822.SIZE. */
export interface MessageSummary {
  uid: number;
  messageId: string | null;
  /** `Name <address>` of the first From address. */
  sender: string | null;
  from: string[];
  recipients: string[];
  subject: string | null;
  /** The Date header, ISO-8601. */
  sentAt: string | null;
  /** When the server received it (INTERNALDATE), ISO-8601. */
  receivedAt: string | null;
  size: number;
  /** File names (or types) of the parts docsort counts as attachments. */
  attachments: string[];
}

/** The FETCH items a summary needs (RFC 9051 §6.4.5). */
export const SUMMARY_QUERY = {
  uid: true,
  envelope: true,
  bodyStructure: true,
  internalDate: true,
  size: true,
};

export function summarise(message: FetchMessageObject): MessageSummary {
  const envelope = message.envelope ?? {};
  const from = (envelope.from ?? []).map(formatAddress);
  return {
    uid: message.uid,
    messageId: envelope.messageId?.trim() || null,
    sender: from[0] ?? null,
    from,
    recipients: [...(envelope.to ?? []), ...(envelope.cc ?? [])].map(formatAddress),
    subject: envelope.subject?.trim() || null,
    sentAt: isoDate(envelope.date),
    receivedAt: isoDate(message.internalDate),
    size: message.size ?? 0,
    attachments: message.bodyStructure ? attachmentNames(message.bodyStructure) : [],
  };
}

function formatAddress(address: MessageAddressObject): string {
  if (address.name && address.address) return `${address.name} <${address.address}>`;
  return address.address ?? address.name ?? "";
}

function isoDate(value: Date | string | undefined): string | null {
  if (value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Parts that are attachments: every leaf part but the text/plain and text/html body (a text part with a file
 * name or Content-Disposition attachment is an attachment too), and except images with a Content-ID shown
 * inline (logos in the HTML body), which docsort does not take either. RFC 2183 (Content-Disposition), RFC 2387/2392 (cid: parts).
 */
export function attachmentNames(node: MessageStructureObject): string[] {
  if (node.childNodes && node.type.startsWith("multipart/")) return node.childNodes.flatMap(attachmentNames);
  const type = node.type.toLowerCase();
  const filename = node.dispositionParameters?.filename ?? node.parameters?.name;
  const disposition = node.disposition?.toLowerCase();
  const embeddedImage = type.startsWith("image/") && node.id !== undefined && disposition !== "attachment";
  if (embeddedImage) return [];
  const bodyText =
    (type === "text/plain" || type === "text/html") && disposition !== "attachment" && !filename;
  const isAttachment = !bodyText && !type.startsWith("multipart/");
  if (!isAttachment) return [];
  return [filename ?? (type === "message/rfc822" ? (node.envelope?.subject ?? "message") : type)];
}

import type { Address, Attachment, Email } from "postal-mime";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";
import { htmlToText } from "./html.js";
import { parseMail } from "./mail-text.js";
import type { ExtractedChild } from "./types.js";

const EXTENSION_BY_MIME: Readonly<Record<string, string>> = {
  "application/pdf": ".pdf",
  "message/rfc822": ".eml",
  "text/plain": ".txt",
  "text/html": ".html",
  "text/csv": ".csv",
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/tiff": ".tif",
  "application/zip": ".zip",
};

/**
 * RFC 822 mail: the headers a person reads, then the body; every attachment becomes a child document.
 * Forwarded messages stay whole `.eml` children so the pipeline opens them like any other mail.
 */
export const emailExtractor: FormatExtractor = {
  name: "email",
  score: scoreKinds(["eml"]),
  async extract({ bytes, type, config }) {
    let email: Email;
    let notes: string[];
    try {
      ({ email, notes } = await parseMail(bytes, {
        forceRfc822Attachments: true,
        attachmentEncoding: "arraybuffer",
      }));
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
    const headers = [
      ["Subject", email.subject],
      ["From", formatAddresses(email.from ? [email.from] : [])],
      ["To", formatAddresses(email.to ?? [])],
      ["Cc", formatAddresses(email.cc ?? [])],
      ["Date", email.date],
    ]
      .filter(([, value]) => value)
      .map(([key, value]) => `${key}: ${value}`);
    const body = email.text?.trim() ? email.text.trim() : email.html ? htmlToText(email.html) : "";
    const attachments = email.attachments.filter((attachment) => !isEmbeddedImage(attachment, email.html));
    const warnings = [...new Set(notes)];
    const skipped = email.attachments.length - attachments.length;
    if (skipped > 0) warnings.push(`skipped ${skipped} inline image(s) embedded in the HTML body`);
    if (attachments.length > config.maxArchiveMembers) {
      warnings.push(
        `kept the first ${config.maxArchiveMembers} of ${attachments.length} attachments (extract.maxArchiveMembers)`,
      );
    }
    const children = attachments.slice(0, config.maxArchiveMembers).map(toChild);
    const names = children.map((child) => child.name);
    const listing = names.length > 0 ? `\n\nAttachments: ${names.join(", ")}` : "";
    return {
      text: `${headers.join("\n")}\n\n${body}${listing}`.trim(),
      method: "mime",
      children,
      warnings,
    };
  },
};

function formatAddresses(addresses: readonly Address[]): string {
  return addresses
    .map((address) =>
      address.group
        ? `${address.name}: ${formatAddresses(address.group)}`
        : address.name
          ? `${address.name} <${address.address}>`
          : address.address,
    )
    .join(", ");
}

/** Logos and signatures referenced by cid: from the HTML are part of the body, not documents. */
function isEmbeddedImage(attachment: Attachment, html: string | undefined): boolean {
  if (!attachment.contentId || !attachment.mimeType.startsWith("image/") || !html) return false;
  return html.includes(`cid:${attachment.contentId.replace(/^<|>$/g, "")}`);
}

function toChild(attachment: Attachment, index: number): ExtractedChild {
  const content = attachment.content;
  const bytes =
    typeof content === "string"
      ? new TextEncoder().encode(content)
      : content instanceof ArrayBuffer
        ? new Uint8Array(content)
        : content;
  return { name: childName(attachment, index), bytes };
}

function childName(attachment: Attachment, index: number): string {
  const extension = EXTENSION_BY_MIME[attachment.mimeType.toLowerCase()] ?? "";
  const given = attachment.filename?.replace(/[/\\]/g, "_").trim();
  if (given) return extension === ".eml" && !/\.eml$/i.test(given) ? `${given}.eml` : given;
  return `attachment-${index + 1}${extension || ".bin"}`;
}

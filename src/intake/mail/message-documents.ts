import filenamify from "filenamify";
import type { ExtractConfig } from "../../config/schema.js";
import { emailExtractor } from "../../extract/email.js";
import { detectType } from "../../extract/sniff.js";
import type { MessageSummary } from "./message-summary.js";

/** A file a message yields, before it is stored: the message itself or one attachment. */
export interface MessageFile {
  part: "message" | "attachment";
  name: string;
  bytes: Uint8Array;
}

/** The `.eml` name of a message: its subject made safe as a file name, or `message-UID.eml`. */
export function messageFileName(summary: MessageSummary): string {
  const base = summary.subject
    ? filenamify(summary.subject, { replacement: "_", maxLength: 120 }).trim()
    : "";
  return `${base || `message-${summary.uid}`}.eml`;
}

/**
 * The attachments of a raw RFC 5322 message, chosen exactly as for an `.eml` dropped into the inbox (the e-mail
 * extractor's own rules: forwarded messages stay whole `.eml` files, images embedded in the HTML are skipped).
 * Rejects with an ExtractionError when the message cannot be parsed.
 */
export async function attachmentsOf(
  source: Uint8Array,
  name: string,
  config: ExtractConfig,
): Promise<{ files: MessageFile[]; warnings: string[] }> {
  const output = await emailExtractor.extract({
    bytes: source,
    name,
    type: await detectType(source, name),
    depth: 0,
    config,
    ocr: () => Promise.reject(new Error("mail intake does not read images")),
    signal: undefined,
    log: () => {},
  });
  const files = (output.children ?? []).map((child) => ({
    part: "attachment" as const,
    name: child.name,
    bytes: child.bytes,
  }));
  return { files, warnings: output.warnings ?? [] };
}

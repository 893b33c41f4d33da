import { fileTypeFromBuffer } from "file-type";
import { decodeText } from "./decode-text.js";
import {
  extensionOf,
  isPlainTextKind,
  KIND_BY_EXTENSION,
  kindOfExtension,
  kindsAgree,
  MIME_BY_KIND,
} from "./kinds.js";
import {
  looksBinary,
  looksLikeCsv,
  looksLikeEmail,
  looksLikeHtml,
  looksLikeJson,
  looksLikeXml,
  markdownSignals,
} from "./sniff-text.js";
import type { DetectedType } from "./types.js";

/** How much of a file the text heuristics look at. */
export const SNIFF_BYTES = 64 * 1024;

/** file-type's extension → docsort kind, where they differ. */
const KIND_BY_MAGIC: Readonly<Record<string, string>> = { tif: "tiff", heic: "heic", jpg: "jpg" };
/** OLE compound files (CFB) are told apart only by their name. */
const CFB_KINDS: Readonly<Record<string, string>> = { doc: "doc", xls: "xls", msg: "msg", ppt: "ppt" };
const ZIP_CONTAINERS = new Set(["docx", "xlsx", "odt", "pptx"]);

type Sniffed = Omit<DetectedType, "extensionMismatch">;

/**
 * Identifies a file by its content (magic bytes, then text heuristics); the extension only refines
 * ambiguous text and is reported when it disagrees. `head` may be the whole file or its first bytes.
 */
export async function detectType(head: Uint8Array, fileName: string): Promise<DetectedType> {
  const extension = extensionOf(fileName);
  const sniffed = await sniff(head, extension);
  const expected = kindOfExtension(extension);
  if (!expected || sniffed.kind === "empty" || kindsAgree(sniffed.kind, expected)) return sniffed;
  return { ...sniffed, extensionMismatch: { extension, expectedKind: expected } };
}

async function sniff(head: Uint8Array, extension: string): Promise<Sniffed> {
  if (head.length === 0) return typed("empty", "content");
  // A byte-order mark means text; FF FE would otherwise pass for an MPEG audio frame.
  const magic = hasTextBom(head) ? undefined : await fileTypeFromBuffer(head);
  if (magic && magic.ext !== "xml") return fromMagic(magic.ext, magic.mime, extension);
  const offset = findOffsetSignature(head);
  if (offset) return { mime: MIME_BY_KIND[offset] ?? "application/octet-stream", kind: offset, by: "magic" };
  if (looksBinary(head)) {
    // No signature anywhere readers look: the name is the best evidence left, and the reader will say if it is wrong.
    const byName = kindOfExtension(extension);
    return byName && BINARY_KINDS_BY_NAME.has(byName)
      ? typed(byName, "extension")
      : typed("binary", "content");
  }
  const truncated = head.length >= SNIFF_BYTES;
  const { text } = decodeText(head.subarray(0, SNIFF_BYTES), truncated);
  return fromText(text, extension, truncated);
}

/**
 * Signatures that readers accept after leading bytes, and how far they look: PDF readers take `%PDF-` within the
 * first 1024 bytes (ISO 32000-2 §7.5.2 allows it at any offset; scanners and mail gateways prepend bytes). A PDF
 * object (`1 0 obj`) must follow, so a text that merely mentions `%PDF-` is not taken for one.
 */
const OFFSET_SIGNATURES: readonly { kind: string; signature: string; within: number; confirm: RegExp }[] = [
  { kind: "pdf", signature: "%PDF-", within: 1024, confirm: /\d+\s+\d+\s+obj\b/ },
];

function findOffsetSignature(head: Uint8Array): string | undefined {
  const start = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64 * 1024)).toString(
    "latin1",
  );
  for (const { kind, signature, within, confirm } of OFFSET_SIGNATURES) {
    const at = start.indexOf(signature);
    if (at >= 0 && at <= within - signature.length && confirm.test(start.slice(at))) return kind;
  }
  return undefined;
}

/** Binary formats whose name may decide when no signature was found (the reader then confirms or refuses). */
const BINARY_KINDS_BY_NAME = new Set(["pdf", "docx", "xlsx", "odt", "zip"]);

function hasTextBom([a, b, c]: Uint8Array): boolean {
  return (a === 0xef && b === 0xbb && c === 0xbf) || (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff);
}

function fromMagic(ext: string, mime: string, extension: string): Sniffed {
  if (ext === "cfb") {
    const kind = CFB_KINDS[extension];
    return kind
      ? { mime: MIME_BY_KIND[kind] ?? mime, kind, by: "magic" }
      : { mime, kind: "cfb", by: "magic" };
  }
  const kindByName = KIND_BY_EXTENSION[extension];
  // A zip whose first entries did not reveal an Office/ODF container: the name is the best evidence left.
  if (ext === "zip" && kindByName && ZIP_CONTAINERS.has(kindByName)) return typed(kindByName, "extension");
  const kind = KIND_BY_MAGIC[ext] ?? ext;
  return { mime: MIME_BY_KIND[kind] ?? mime, kind, by: "magic" };
}

function fromText(text: string, extension: string, truncated: boolean): Sniffed {
  if (looksLikeEmail(text)) return typed("eml", "content");
  if (looksLikeHtml(text)) return typed("html", "content");
  if (looksLikeJson(text, truncated)) return typed("json", "content");
  if (looksLikeXml(text) && !isMarkupTolerant(extension)) return typed("xml", "content");
  const byName = kindOfExtension(extension);
  const csv = looksLikeCsv(text);
  const markdown = markdownSignals(text);
  if (byName === "csv" && csv) return typed("csv", "content");
  if (byName === "markdown" && markdown >= 1) return typed("markdown", "content");
  if (markdown >= 2) return typed("markdown", "content");
  if (csv) return typed("csv", "content");
  if (byName && isPlainTextKind(byName) && byName !== "text" && byName !== "json" && byName !== "xml") {
    return typed(byName, "extension");
  }
  return typed("text", "content");
}

/** Markdown and plain text may legitimately start with an inline tag; do not call them XML. */
function isMarkupTolerant(extension: string): boolean {
  const kind = kindOfExtension(extension);
  return kind === "markdown" || kind === "text";
}

function typed(kind: string, by: DetectedType["by"]): Sniffed {
  return { mime: MIME_BY_KIND[kind] ?? "application/octet-stream", kind, by };
}

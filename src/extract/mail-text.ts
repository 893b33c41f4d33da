import iconv from "iconv-lite";
import PostalMime, { type Email, type PostalMimeOptions } from "postal-mime";
import { decodeText } from "./decode-text.js";
import { decodeHtml } from "./html.js";

export interface DecodedPart {
  text: string;
  /** What the bytes were read as, and why when it is not the declared charset. */
  encoding: string;
  note: string | undefined;
}

const SINGLE_BYTE = /^(us-ascii|ascii|iso-8859-\d+|latin-?\d|windows-125\d|cp125\d)$/i;

/**
 * Decodes the body of a text/plain or text/html mail part. The MIME charset is trusted when it decodes cleanly; a
 * part without one gets what a standalone file gets (BOM, UTF-8, the HTML `<meta>` charset, detection), and so does
 * a part whose declared charset yields replacement characters (`iso-2022-jp` on UTF-8 bytes) or that declares a
 * single-byte charset over valid multi-byte UTF-8 (a mailer's default label on a UTF-8 body).
 */
export function decodeMailPart(bytes: Uint8Array, declared: string | undefined, html: boolean): DecodedPart {
  const guess = () => (html ? decodeHtml(bytes) : decodeText(bytes));
  const charset = declared?.trim();
  if (!charset) {
    const guessed = guess();
    const ascii = !bytes.some((byte) => byte >= 0x80);
    return { ...guessed, note: ascii ? undefined : `no charset declared; read as ${guessed.encoding}` };
  }
  const text = decodeAs(bytes, charset);
  if (
    text !== undefined &&
    !text.includes("\uFFFD") &&
    !(SINGLE_BYTE.test(charset) && isMultiByteUtf8(bytes))
  ) {
    return { text, encoding: charset, note: undefined };
  }
  const guessed = guess();
  return {
    ...guessed,
    note: `declared charset ${charset} does not fit the bytes; read as ${guessed.encoding}`,
  };
}

/**
 * iconv-lite first: Node 20's TextDecoder reads windows-1252's 0x80–0x9F (€, “ ”) as control characters. The WHATWG
 * decoders cover what iconv-lite lacks (iso-2022-jp).
 */
function decodeAs(bytes: Uint8Array, charset: string): string | undefined {
  if (iconv.encodingExists(charset)) return iconv.decode(Buffer.from(bytes), charset);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return undefined;
  }
}

function isMultiByteUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((byte) => byte >= 0x80)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The parts of postal-mime's MIME node that decoding needs (internal to postal-mime 4; see parseMail). */
interface MimeNodeLike {
  content: ArrayBuffer | null;
  contentType: { multipart: string | false; parsed: { value: string; params: Record<string, string> } };
  getTextContent(): string;
  decodeFlowedText(text: string, delSp: boolean): string;
}

type CollectNode = (node: MimeNodeLike, alternative: unknown, related: boolean) => Promise<void>;

/**
 * postal-mime decodes text parts by the MIME charset alone (UTF-8 when there is none). This parser hands each text
 * part's bytes to decodeMailPart instead; everything else — structure, attachments, which alternative becomes the
 * body — stays postal-mime's. It hooks postal-mime 4's `collectNode`, which its typings do not show:
 * tests/extract/mail-charsets.test.ts fails if a postal-mime update moves it.
 */
export async function parseMail(
  bytes: Uint8Array,
  options: PostalMimeOptions,
): Promise<{ email: Email; notes: string[] }> {
  const notes: string[] = [];
  const parser = new PostalMime(options) as PostalMime & { collectNode?: CollectNode };
  const collect = parser.collectNode;
  if (typeof collect !== "function") throw new Error("postal-mime changed: collectNode is gone");
  parser.collectNode = function (this: PostalMime, node, alternative, related) {
    const type = node.contentType.parsed.value;
    if (!node.contentType.multipart && node.content && (type === "text/plain" || type === "text/html")) {
      const content = new Uint8Array(node.content);
      const { params } = node.contentType.parsed;
      node.getTextContent = () => {
        const decoded = decodeMailPart(content, params.charset, type === "text/html");
        if (decoded.note) notes.push(`${type} part: ${decoded.note}`);
        return /^flowed$/i.test(params.format ?? "")
          ? node.decodeFlowedText(decoded.text, /^yes$/i.test(params.delsp ?? ""))
          : decoded.text;
      };
    }
    return collect.call(this, node, alternative, related);
  };
  return { email: await parser.parse(bytes), notes };
}

import { convert, type HtmlToTextOptions } from "html-to-text";
import iconv from "iconv-lite";
import { type DecodedText, decodeText } from "./decode-text.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

// Defaults upper-case headings, glue table cells together and print image/link URLs (libraries.md §5).
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
    { selector: "script", format: "skip" },
    { selector: "style", format: "skip" },
  ],
};

export const htmlExtractor: FormatExtractor = {
  name: "html",
  score: scoreKinds(["html"]),
  async extract({ bytes }) {
    const { text, encoding } = decodeHtml(bytes);
    return { text: htmlToText(text), method: "html", encoding };
  },
};

export function htmlToText(html: string): string {
  return convert(html, OPTIONS)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A `<meta charset>` wins over guessing, unless the bytes are valid UTF-8 anyway. */
export function decodeHtml(bytes: Uint8Array): DecodedText {
  const guessed = decodeText(bytes);
  if (guessed.encoding.startsWith("UTF")) return guessed;
  const head = Buffer.from(bytes.subarray(0, 2048)).toString("latin1");
  const declared = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  if (declared && iconv.encodingExists(declared)) {
    return { text: iconv.decode(Buffer.from(bytes), declared), encoding: declared };
  }
  return guessed;
}

import chardet from "chardet";
import iconv from "iconv-lite";

export interface DecodedText {
  text: string;
  /** The encoding the bytes were read as, e.g. `UTF-8`, `UTF-16LE`, `ISO-8859-1`, `windows-1252`. */
  encoding: string;
}

const WESTERN = /^(ISO-8859-1|ISO-8859-15|windows-1252)$/i;

/**
 * Decodes text of unknown encoding: BOM first, then strict UTF-8, then a UTF-16 guess, then chardet
 * with a bias towards Windows-1252 (the usual legacy encoding of the documents docsort sees).
 * `truncated` says the bytes are only the head of a file, so a cut multi-byte sequence is not an error.
 */
export function decodeText(bytes: Uint8Array, truncated = false): DecodedText {
  const bom = decodeWithBom(bytes, truncated);
  if (bom) return bom;
  const utf8 = tryUtf8(bytes, truncated);
  if (utf8 !== undefined) return { text: utf8, encoding: "UTF-8" };
  const utf16 = guessUtf16(bytes);
  if (utf16) return { text: new TextDecoder(utf16.toLowerCase()).decode(bytes), encoding: utf16 };
  const encoding = guessLegacyEncoding(bytes);
  return {
    text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding),
    encoding,
  };
}

function decodeWithBom(bytes: Uint8Array, truncated: boolean): DecodedText | undefined {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) {
    return {
      text: new TextDecoder("utf-8").decode(bytes.subarray(3), { stream: truncated }),
      encoding: "UTF-8",
    };
  }
  if (a === 0xff && b === 0xfe) {
    return {
      text: new TextDecoder("utf-16le").decode(bytes.subarray(2), { stream: truncated }),
      encoding: "UTF-16LE",
    };
  }
  if (a === 0xfe && b === 0xff) {
    return {
      text: new TextDecoder("utf-16be").decode(bytes.subarray(2), { stream: truncated }),
      encoding: "UTF-16BE",
    };
  }
  return undefined;
}

function tryUtf8(bytes: Uint8Array, truncated: boolean): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    return undefined;
  }
}

/** UTF-16 without a BOM: ASCII-range text leaves every other byte zero. */
export function guessUtf16(bytes: Uint8Array): "UTF-16LE" | "UTF-16BE" | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros / pairs > 0.4 && evenZeros / pairs < 0.05) return "UTF-16LE";
  if (evenZeros / pairs > 0.4 && oddZeros / pairs < 0.05) return "UTF-16BE";
  return undefined;
}

function guessLegacyEncoding(bytes: Uint8Array): string {
  const matches = chardet.analyse(bytes);
  const top = matches[0];
  const western = matches.find((m) => WESTERN.test(m.name));
  if (top && !WESTERN.test(top.name) && top.confidence >= 60 && iconv.encodingExists(top.name))
    return top.name;
  const name = western?.name ?? "windows-1252";
  // In ISO-8859-1, 0x80-0x9F are unused control codes; seeing them means Windows-1252 (€, curly quotes).
  if (/^ISO-8859-1$/i.test(name) && hasC1Bytes(bytes)) return "windows-1252";
  return name;
}

function hasC1Bytes(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80 && byte <= 0x9f) return true;
  return false;
}

/** The file kinds docsort knows, what each extension promises, and which kinds are interchangeable. */

export const MIME_BY_KIND: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  text: "text/plain",
  markdown: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  xml: "application/xml",
  html: "text/html",
  eml: "message/rfc822",
  png: "image/png",
  jpg: "image/jpeg",
  tiff: "image/tiff",
  webp: "image/webp",
  gif: "image/gif",
  bmp: "image/bmp",
  avif: "image/avif",
  heic: "image/heic",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  doc: "application/msword",
  zip: "application/zip",
  empty: "application/x-empty",
  binary: "application/octet-stream",
};

export const KIND_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: "pdf",
  txt: "text",
  text: "text",
  log: "text",
  md: "markdown",
  markdown: "markdown",
  csv: "csv",
  tsv: "csv",
  json: "json",
  xml: "xml",
  html: "html",
  htm: "html",
  xhtml: "html",
  eml: "eml",
  png: "png",
  jpg: "jpg",
  jpeg: "jpg",
  jfif: "jpg",
  tif: "tiff",
  tiff: "tiff",
  webp: "webp",
  gif: "gif",
  bmp: "bmp",
  avif: "avif",
  heic: "heic",
  heif: "heic",
  docx: "docx",
  xlsx: "xlsx",
  odt: "odt",
  doc: "doc",
  zip: "zip",
  rtf: "rtf",
  xls: "xls",
  msg: "msg",
  pptx: "pptx",
};

/** Kinds read by the same text path: a `.txt` holding CSV or Markdown is not a mismatch. */
const PLAIN_TEXT_FAMILY = new Set(["text", "markdown", "csv", "json", "xml"]);

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

export function kindOfExtension(extension: string): string | undefined {
  return KIND_BY_EXTENSION[extension];
}

export function isPlainTextKind(kind: string): boolean {
  return PLAIN_TEXT_FAMILY.has(kind);
}

export function kindsAgree(detected: string, expected: string): boolean {
  return detected === expected || (isPlainTextKind(detected) && isPlainTextKind(expected));
}

export const SUPPORTED_SUMMARY =
  "docsort reads PDF, Word (DOCX), OpenDocument text (ODT), e-mail (.eml), images (PNG, JPEG, TIFF, WebP, GIF, BMP, HEIC), text, Markdown, HTML, CSV/XLSX, JSON/XML, ZIP";

/**
 * Kinds whose pages render-page.ts can show as images. Kept here, apart from the renderer: whoever only asks
 * whether a document has pages must not load pdf.js, @napi-rs/canvas and the image decoders (~50 MB resident).
 */
export const PAGED_KINDS: ReadonlySet<string> = new Set([
  "pdf",
  "png",
  "jpg",
  "tiff",
  "webp",
  "gif",
  "bmp",
  "heic",
]);

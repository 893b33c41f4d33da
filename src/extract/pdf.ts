import { createRequire } from "node:module";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/types/src/display/api.js";
import { corrupt, encrypted, throwIfAborted } from "./errors.js";
import type { ExtractInput, ExtractOutput, FormatExtractor } from "./format-extractor.js";
import { layoutText, type PositionedText } from "./pdf-layout.js";
import { ExtractionError, type ExtractionMethod } from "./types.js";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

/** A page with fewer non-whitespace characters than this has no usable text layer: OCR it. */
const MIN_TEXT_LAYER_CHARS = 20;
const OCR_DPI = 300;
/** A rendered page never exceeds this many pixels, whatever its paper size (A4 at 300 dpi is 8.7 MP). */
const MAX_RENDER_PIXELS = 36_000_000;

let pdfjs: Promise<PdfJs> | undefined;

export const pdfExtractor: FormatExtractor = {
  name: "pdf",
  score: (type) => (type.kind === "pdf" ? 10 : 0),
  extract: extractPdf,
};

async function extractPdf(input: ExtractInput): Promise<ExtractOutput> {
  const { config, type } = input;
  const pdf = await openPdf(input);
  try {
    const pages = pdf.numPages;
    const pagesRead = Math.min(pages, config.maxPages);
    const warnings: string[] = [];
    if (pagesRead < pages) warnings.push(`read the first ${pagesRead} of ${pages} pages (extract.maxPages)`);
    const texts: string[] = [];
    const ocr = { pages: 0, ms: 0, confidence: 0 };
    let textPages = 0;
    for (let n = 1; n <= pagesRead; n++) {
      throwIfAborted(input.signal);
      const page = await pdf.getPage(n);
      try {
        const layer = await pageText(page);
        if (layer.replace(/\s/g, "").length >= MIN_TEXT_LAYER_CHARS) {
          texts.push(layer);
          textPages++;
        } else if (config.ocr.enabled) {
          const result = await ocrPage(page, input);
          texts.push(result.text);
          ocr.pages++;
          ocr.ms += result.ms;
          ocr.confidence += result.confidence;
        } else {
          texts.push(layer);
          warnings.push(`page ${n} has no text layer and OCR is off (extract.ocr.enabled)`);
        }
      } finally {
        page.cleanup();
      }
    }
    const output: ExtractOutput = {
      text: texts.join("\n\n\f").trim(),
      method: methodOf(textPages, ocr.pages),
      pages,
      pagesRead,
      warnings,
    };
    if (ocr.pages > 0) {
      output.ocrConfidence = ocr.confidence / ocr.pages;
      output.ocrMs = ocr.ms;
      output.ocrPages = ocr.pages;
    }
    return output;
  } catch (error) {
    throw error instanceof ExtractionError ? error : corrupt(type, describe(error), error);
  } finally {
    await pdf.destroy();
  }
}

function methodOf(textPages: number, ocrPages: number): ExtractionMethod {
  if (ocrPages === 0) return "text-layer";
  return textPages === 0 ? "ocr" : "mixed";
}

/** Opens a PDF with pdf.js, every data file local; a password-protected or damaged file is an ExtractionError. */
export async function openPdf({
  bytes,
  type,
}: Pick<ExtractInput, "bytes" | "type">): Promise<PDFDocumentProxy> {
  const lib = await loadPdfJs();
  const dir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
  try {
    return await lib.getDocument({
      // A copy: pdf.js transfers (detaches) the buffer it is given.
      data: new Uint8Array(bytes),
      standardFontDataUrl: path.join(dir, "standard_fonts/"),
      cMapUrl: path.join(dir, "cmaps/"),
      cMapPacked: true,
      wasmUrl: path.join(dir, "wasm/"),
      iccUrl: path.join(dir, "iccs/"),
      isEvalSupported: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException") throw encrypted(type, "PDF");
    throw corrupt(type, describe(error), error);
  }
}

function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
}

async function pageText(page: PDFPageProxy): Promise<string> {
  const lib = await loadPdfJs();
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const items: PositionedText[] = [];
  for (const item of content.items) {
    if (!("str" in item)) continue;
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = lib.Util.transform(viewport.transform, item.transform);
    const size = Math.hypot(c, d) || Math.hypot(a, b) || item.height || 1;
    items.push({ str: item.str, x, y, width: item.width, size });
  }
  return layoutText(items);
}

async function ocrPage(page: PDFPageProxy, input: ExtractInput) {
  const base = page.getViewport({ scale: 1 });
  const limit = Math.min(MAX_RENDER_PIXELS, input.config.maxImagePixels);
  const scale = Math.min(OCR_DPI / 72, Math.sqrt(limit / (base.width * base.height)));
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext("2d");
  context.fillStyle = "white";
  context.fillRect(0, 0, canvas.width, canvas.height);
  // The same @napi-rs/canvas that pdf.js uses in Node, so its 2D context is what render() expects.
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  const png = await canvas.encode("png");
  const engine = await input.ocr();
  return engine.recognize(png, { dpi: Math.round(scale * 72) });
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

import { throwIfAborted, tooManyPixels } from "./errors.js";
import type { ExtractInput, ExtractOutput, FormatExtractor } from "./format-extractor.js";
import { framesOf } from "./image-frames.js";

const IMAGE_KINDS = ["png", "jpg", "tiff", "webp", "gif", "bmp", "heic"];

/** Photos and scans: OCR of every frame (multi-page TIFF/HEIC up to extract.maxPages). */
export const imageExtractor: FormatExtractor = {
  name: "image",
  score: (type) => (IMAGE_KINDS.includes(type.kind) ? 10 : 0),
  extract: extractImage,
};

async function extractImage(input: ExtractInput): Promise<ExtractOutput> {
  const { bytes, type, config } = input;
  const frames = await framesOf(bytes, type.kind, config.maxImagePixels);
  const pages = frames.length;
  const pagesRead = Math.min(pages, config.maxPages);
  const warnings: string[] = [];
  if (pagesRead < pages) warnings.push(`read the first ${pagesRead} of ${pages} pages (extract.maxPages)`);
  const reading = frames.slice(0, pagesRead);
  for (const frame of reading) {
    if (frame.width * frame.height > config.maxImagePixels) {
      throw tooManyPixels(frame.width, frame.height, config.maxImagePixels, type);
    }
  }
  if (!config.ocr.enabled) {
    return {
      text: "",
      method: "ocr",
      pages,
      pagesRead: 0,
      warnings: [...warnings, "image not read: OCR is off (extract.ocr.enabled)"],
    };
  }
  const engine = await input.ocr();
  const texts: string[] = [];
  let confidence = 0;
  let ms = 0;
  for (const frame of reading) {
    throwIfAborted(input.signal);
    const result = await engine.recognize(await frame.toOcrImage());
    texts.push(result.text);
    confidence += result.confidence;
    ms += result.ms;
  }
  return {
    text: texts.join("\n\n\f").trim(),
    method: "ocr",
    pages,
    pagesRead,
    warnings,
    ocrConfidence: reading.length > 0 ? confidence / reading.length : 0,
    ocrMs: ms,
    ocrPages: reading.length,
  };
}

/** The extraction stage: what the pipeline calls. */
export { extractFile } from "./extract-file.js";
export { createExtractor, type Extractor } from "./extractor.js";
export type { Log, LogLevel } from "./format-extractor.js";
export { closeOcr } from "./ocr.js";
export { detectType } from "./sniff.js";
export * from "./types.js";

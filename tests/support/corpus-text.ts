import path from "node:path";
import { extractFile } from "../../src/extract/index.js";
import { LABELED_DIR } from "./corpus.js";
import { testConfig } from "./test-config.js";

/** Label formats whose text only OCR can read (seconds per page; the token tests leave them out). */
export const OCR_FORMATS: ReadonlySet<string> = new Set(["pdf-scan", "png", "jpg"]);

/** A corpus document's text as docsort's extraction reads it (in this thread, default settings). */
export async function corpusText(file: string, dir = LABELED_DIR): Promise<string> {
  const result = await extractFile(
    { path: path.join(dir, file), name: path.basename(file) },
    testConfig().extract,
  );
  return result.text;
}

import mammoth from "mammoth";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

/** Word 2007+ documents: mammoth's raw text (paragraphs and table cells, one per paragraph). */
export const docxExtractor: FormatExtractor = {
  name: "docx",
  score: scoreKinds(["docx"]),
  async extract({ bytes, type }) {
    let value: string;
    let messages: { type: string; message: string }[];
    try {
      ({ value, messages } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) }));
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
    const warnings = messages.filter((m) => m.type === "error").map((m) => `docx: ${m.message}`);
    return { text: value.replace(/\n{3,}/g, "\n\n").trim(), method: "office", warnings };
  },
};

import WordExtractor from "word-extractor";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

/** Legacy Word 97-2003 (.doc, an OLE compound file): body, headers/footers and footnotes. */
export const docExtractor: FormatExtractor = {
  name: "doc",
  score: scoreKinds(["doc"]),
  async extract({ bytes, type }) {
    try {
      const document = await new WordExtractor().extract(Buffer.from(bytes));
      const parts = [
        document.getHeaders({ includeFooters: false }),
        document.getBody(),
        document.getFootnotes(),
      ];
      const text = parts
        .map((part) => part.trim())
        .filter(Boolean)
        .join("\n\n");
      return { text: text.replace(/\r\n?/g, "\n"), method: "office" };
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
  },
};

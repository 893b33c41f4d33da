import { decodeText } from "./decode-text.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

/** Plain text, Markdown, JSON and XML are read as they are: their markup is meaningful text to a model. */
export const textExtractor: FormatExtractor = {
  name: "text",
  score: scoreKinds(["text", "markdown", "json", "xml"]),
  async extract({ bytes }) {
    const { text, encoding } = decodeText(bytes);
    return { text: normalizeNewlines(text), method: "text", encoding };
  },
};

export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

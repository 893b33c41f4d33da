import mammoth from "mammoth";
import { readDocxExtraParts } from "./docx-parts.js";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

/**
 * Word 2007+ documents: mammoth's raw text of the body (paragraphs and table cells), framed by the headers before it
 * and the footers, text boxes, footnotes and endnotes after it — each marked, since mammoth leaves them out.
 * What is in the file but still not read (comments, pictures, charts) is listed in the warnings.
 */
export const docxExtractor: FormatExtractor = {
  name: "docx",
  score: scoreKinds(["docx"]),
  async extract({ bytes, type, config }) {
    let value: string;
    let messages: { type: string; message: string }[];
    let extra: ReturnType<typeof readDocxExtraParts>;
    try {
      ({ value, messages } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) }));
      extra = readDocxExtraParts(bytes, config.maxArchiveBytes);
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
    const body = value.replace(/\n{3,}/g, "\n\n").trim();
    const textBoxes = extra.textBoxes.filter((box) => !containsLines(body, box));
    const section = (title: string, parts: readonly string[]) =>
      parts.length > 0 ? [`[${title}]\n${parts.join("\n\n")}`] : [];
    const text = [
      ...section("Header", extra.headers),
      body,
      ...section("Text boxes", textBoxes),
      ...section("Footer", extra.footers),
      ...section("Footnotes", extra.footnotes),
      ...section("Endnotes", extra.endnotes),
    ]
      .filter(Boolean)
      .join("\n\n");
    const warnings = messages.filter((m) => m.type === "error").map((m) => `docx: ${m.message}`);
    if (extra.notRead.length > 0) warnings.push(`docx: not read: ${extra.notRead.join(", ")}`);
    return { text, method: "office", warnings };
  },
};

/** mammoth already reads VML text boxes: a box whose every line is in the body is not repeated. */
function containsLines(body: string, box: string): boolean {
  return box.split("\n").every((line) => body.includes(line.trim()));
}

import { strFromU8, unzipSync } from "fflate";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** OpenDocument text: the paragraphs of content.xml (an ODT is a zip; no library needed). */
export const odtExtractor: FormatExtractor = {
  name: "odt",
  score: scoreKinds(["odt"]),
  async extract({ bytes, type, config }) {
    let xml: string;
    try {
      const files = unzipSync(bytes, {
        filter: (file) => {
          if (file.name !== "content.xml") return false;
          if (file.originalSize > config.maxArchiveBytes)
            throw new Error("content.xml expands beyond extract.maxArchiveBytes");
          return true;
        },
      });
      const content = files["content.xml"];
      if (!content) throw new Error("content.xml is missing");
      xml = strFromU8(content);
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
    return { text: odfXmlToText(xml), method: "office" };
  },
};

export function odfXmlToText(xml: string): string {
  const body = xml.replace(/^[\s\S]*?<office:body>/, "");
  return body
    .replace(/<text:s(?:\s+text:c="(\d+)")?\s*\/>/g, (_, count: string | undefined) =>
      " ".repeat(Number(count ?? 1)),
    )
    .replace(/<text:tab\s*\/>/g, "\t")
    .replace(/<text:line-break\s*\/>/g, "\n")
    .replace(/<\/table:table-cell>/g, " | ")
    .replace(/<\/(text:p|text:h|table:table-row)>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => decodeEntity(name) ?? entity)
    .replace(/ \| \n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith("#x") || name.startsWith("#X"))
    return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
  if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
  return ENTITIES[name];
}

import { strFromU8, unzipSync } from "fflate";

/**
 * The text of a DOCX that mammoth's raw text leaves out: headers and footers (where letterheads put the vendor, the
 * VAT id and the IBAN), DrawingML text boxes, footnotes and endnotes — plus what is in the file but not read at all.
 * Part names and relationship types are those of ECMA-376 Part 1 (WordprocessingML).
 */
export interface DocxExtraParts {
  headers: string[];
  footers: string[];
  /** Paragraphs of text boxes in the body (mammoth reads only VML ones, so callers drop what it already has). */
  textBoxes: string[];
  footnotes: string[];
  endnotes: string[];
  /** What the file holds that is not read, for the warnings. */
  notRead: string[];
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Reads the parts from the DOCX zip; `maxBytes` bounds what one part may expand to. */
export function readDocxExtraParts(bytes: Uint8Array, maxBytes: number): DocxExtraParts {
  const names: string[] = [];
  const files = unzipSync(bytes, {
    filter: (file) => {
      names.push(file.name);
      if (!/^word\/[^/]+\.xml$|^word\/_rels\/document\.xml\.rels$/.test(file.name)) return false;
      if (file.originalSize > maxBytes)
        throw new Error(`${file.name} expands beyond extract.maxArchiveBytes`);
      return true;
    },
  });
  const part = (name: string) => {
    const content = files[name];
    return content ? strFromU8(content) : undefined;
  };
  const targets = relationshipTargets(part("word/_rels/document.xml.rels") ?? "");
  const texts = (type: string) =>
    unique((targets.get(type) ?? []).map((target) => xmlText(part(`word/${target}`) ?? "")).filter(Boolean));
  return {
    headers: texts("header"),
    footers: texts("footer"),
    textBoxes: unique(textBoxParagraphs(part("word/document.xml") ?? "")),
    footnotes: notes(part("word/footnotes.xml"), "footnote"),
    endnotes: notes(part("word/endnotes.xml"), "endnote"),
    notRead: notRead(names),
  };
}

/** Relationship type (last path segment) → targets, in document order. */
function relationshipTargets(rels: string): Map<string, string[]> {
  const targets = new Map<string, string[]>();
  for (const match of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const type = /\bType="([^"]+)"/.exec(match[0])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(match[0])?.[1];
    if (!type?.startsWith(REL) || !target || /TargetMode="External"/.test(match[0])) continue;
    const kind = type.slice(REL.length);
    targets.set(kind, [...(targets.get(kind) ?? []), target.replace(/^\/?word\//, "")]);
  }
  return targets;
}

/**
 * The text of a WordprocessingML fragment: the runs' `w:t`, tabs and breaks, one line per paragraph. Only `w:t`
 * holds document text (ECMA-376 §17.3.3.31); deleted text, field codes and drawing positions are elsewhere.
 */
export function xmlText(xml: string): string {
  const pieces: string[] = [];
  for (const match of xml.matchAll(
    /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:(tab)\s*\/>|<w:(?:br|cr)\b[^>]*\/>|<\/w:p>/g,
  )) {
    const [, text, empty] = match;
    if (text !== undefined) pieces.push(text);
    else pieces.push(empty === "tab" ? "\t" : "\n");
  }
  return pieces
    .join("")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => decodeEntity(name) ?? entity)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

function textBoxParagraphs(document: string): string[] {
  return [...document.matchAll(/<w:txbxContent\b[^>]*>([\s\S]*?)<\/w:txbxContent>/g)]
    .map((match) => xmlText(match[1] ?? ""))
    .filter(Boolean);
}

/** Footnotes or endnotes, without the separator "notes" Word keeps in the same part. */
function notes(xml: string | undefined, element: "footnote" | "endnote"): string[] {
  if (!xml) return [];
  const pattern = new RegExp(`<w:${element}\\b([^>]*)>([\\s\\S]*?)</w:${element}>`, "g");
  return [...xml.matchAll(pattern)]
    .filter((match) => !/w:type="(separator|continuationSeparator|continuationNotice)"/.test(match[1] ?? ""))
    .map((match) => xmlText(match[2] ?? ""))
    .filter(Boolean);
}

function notRead(names: readonly string[]): string[] {
  const count = (pattern: RegExp) => names.filter((name) => pattern.test(name)).length;
  const found: [number, string][] = [
    [count(/^word\/comments\.xml$/), "comments"],
    [count(/^word\/media\//), "picture(s): text in pictures is not OCR'd inside Word files"],
    [count(/^word\/charts\/chart\d*\.xml$/), "chart(s)"],
    [count(/^word\/embeddings\//), "embedded object(s)"],
    [count(/^word\/diagrams\/data\d*\.xml$/), "SmartArt diagram(s)"],
  ];
  return found.filter(([n]) => n > 0).map(([n, what]) => (what === "comments" ? what : `${n} ${what}`));
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function decodeEntity(name: string): string | undefined {
  if (/^#x/i.test(name)) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
  if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
  return ENTITIES[name];
}

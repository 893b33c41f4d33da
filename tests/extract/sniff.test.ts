import { readFile } from "node:fs/promises";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { detectType } from "../../src/extract/index.js";
import { corpusDir, hasCorpus } from "./helpers.js";

const utf16le = (text: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le")]);
const utf16be = (text: string) => new Uint8Array([0xfe, 0xff, ...Buffer.from(text, "utf16le").swap16()]);
const text = (value: string) => new TextEncoder().encode(value);

const minimalPdf = text("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const officeZip = (entries: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(entries).map(([name, body]) => [name, strToU8(body)])));
const contentTypes = (part: string, type: string) =>
  `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="${part}" ContentType="${type}"/></Types>`;
const docx = () =>
  officeZip({
    "[Content_Types].xml": contentTypes(
      "/word/document.xml",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "word/document.xml": "<w:document/>",
  });
const xlsx = () =>
  officeZip({
    "[Content_Types].xml": contentTypes(
      "/xl/workbook.xml",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "xl/workbook.xml": "<workbook/>",
  });

const cases: {
  name: string;
  bytes: Uint8Array;
  file: string;
  kind: string;
  by?: string;
  mismatch?: string;
}[] = [
  {
    name: "PDF named .txt",
    bytes: minimalPdf,
    file: "scan_0042.txt",
    kind: "pdf",
    by: "magic",
    mismatch: "txt",
  },
  {
    name: "UTF-16 LE with BOM",
    bytes: utf16le("Hello, this is a plain note.\n"),
    file: "note.txt",
    kind: "text",
  },
  {
    name: "UTF-16 BE with BOM",
    bytes: utf16be("Hello, this is a plain note.\n"),
    file: "note",
    kind: "text",
  },
  {
    name: "Latin-1 text",
    bytes: iconv.encode("Sehr geehrte Damen und Herren,\nhiermit kündigen wir fristgemäß.\nGrüße", "latin1"),
    file: "brief.txt",
    kind: "text",
  },
  {
    name: "e-mail headers",
    bytes: text(
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\nDate: Mon, 1 Jan 2025 10:00:00 +0000\r\n\r\nBody",
    ),
    file: "message",
    kind: "eml",
  },
  {
    name: "e-mail saved from mbox",
    bytes: text(
      "From joerg@example.com Tue Mar  4 10:00:00 2025\nReceived: from mx\nFrom: joerg@example.com\nSubject: Hi\nDate: Tue, 4 Mar 2025 10:00:00 +0100\n\nBody",
    ),
    file: "saved.txt",
    kind: "eml",
    mismatch: "txt",
  },
  {
    name: "HTML",
    bytes: text("<!DOCTYPE html><html><body><p>Hi</p></body></html>"),
    file: "page.htm",
    kind: "html",
  },
  {
    name: "HTML in a .txt is reported",
    bytes: text("<html><body>Invoice</body></html>"),
    file: "invoice.txt",
    kind: "html",
    mismatch: "txt",
  },
  { name: "JSON", bytes: text('{"invoice": "A-1", "total": 12.5}'), file: "data.txt", kind: "json" },
  {
    name: "semicolon CSV",
    bytes: text("Datum;Text;Betrag\n01.03.2025;Miete;-980,00\n02.03.2025;Gehalt;3.184,56\n"),
    file: "export.txt",
    kind: "csv",
  },
  {
    name: "tab-separated",
    bytes: text("Date\tItem\tAmount\n2025-03-01\tRent\t980\n2025-03-02\tSalary\t3184\n"),
    file: "export.tsv",
    kind: "csv",
  },
  {
    name: "CSV with a comment preamble",
    bytes: text(
      "# Bank export\n# Account 1234\nDate,Type,Amount\n07/01/2025,POS,-84.19\n07/02/2025,ACH,2311.42\n07/03/2025,POS,-1.00\n",
    ),
    file: "statement.csv",
    kind: "csv",
  },
  {
    name: "Markdown",
    bytes: text("# Invoice\n\n- **Total:** 12.50 EUR\n- Due: [pay here](https://example.com)\n"),
    file: "invoice",
    kind: "markdown",
  },
  {
    name: "prose with commas stays text",
    bytes: text("Hello, world.\nThanks, Bob.\nSee you, soon.\n"),
    file: "a.txt",
    kind: "text",
  },
  {
    name: "DOCX",
    bytes: docx(),
    file: "letter.docx",
    kind: "docx",
  },
  {
    name: "XLSX",
    bytes: xlsx(),
    file: "sheet.xlsx",
    kind: "xlsx",
  },
  { name: "ZIP", bytes: officeZip({ "a.txt": "a", "b.txt": "b" }), file: "bundle.zip", kind: "zip" },
  { name: "DOCX named .zip", bytes: docx(), file: "x.zip", kind: "docx", by: "magic", mismatch: "zip" },
  { name: "XLSX with no extension", bytes: xlsx(), file: "export", kind: "xlsx", by: "magic" },
  {
    name: "unknown binary",
    bytes: new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x80]),
    file: "blob.dat",
    kind: "binary",
  },
  {
    name: "Windows executable",
    bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, ...new Array(200).fill(0)]),
    file: "setup.exe",
    kind: "exe",
  },
  { name: "empty", bytes: new Uint8Array(0), file: "scan.pdf", kind: "empty" },
];

describe("detectType", () => {
  it.each(cases)("$name → $kind", async ({ bytes, file, kind, by, mismatch }) => {
    const type = await detectType(bytes, file);
    expect(type.kind).toBe(kind);
    if (by) expect(type.by).toBe(by);
    expect(type.extensionMismatch?.extension).toBe(mismatch);
  });

  it("a .md file with plain prose is Markdown by its extension", async () => {
    const type = await detectType(text("Just a line of prose without any markup at all."), "notes.md");
    expect(type).toMatchObject({ kind: "markdown", by: "extension" });
  });

  it.skipIf(!hasCorpus)("the corpus' misnamed PDF and Latin-1 letter", async () => {
    const labeled = path.join(corpusDir, "labeled");
    const pdf = await readFile(path.join(labeled, "receipts/scan_0042.txt"));
    expect(await detectType(pdf, "scan_0042.txt")).toEqual({
      mime: "application/pdf",
      kind: "pdf",
      by: "magic",
      extensionMismatch: { extension: "txt", expectedKind: "text" },
    });
    const latin1 = await readFile(path.join(labeled, "letters/Kuendigung_Wartungsvertrag_latin1.txt"));
    expect(await detectType(latin1, "Kuendigung.txt")).toMatchObject({ kind: "text", by: "content" });
  });
});

import { readFileSync } from "node:fs";
import { strToU8, zipSync } from "fflate";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractFile } from "../../src/extract/extract-file.js";
import { detectType } from "../../src/extract/index.js";
import { decodeMailPart } from "../../src/extract/mail-text.js";
import { looksLikeCsv } from "../../src/extract/sniff-text.js";
import { scratchDir, testConfig } from "./helpers.js";

/** Kinds 1–3 of the field reports (issue 10), each with variants of its own beyond the reported file. */

const PDF = readFileSync(
  new URL("../fixtures/field-reports-1/01-pdf-with-bytes-before-signature.pdf", import.meta.url),
);
/** The reported file without its 10 leading bytes: a clean PDF. */
const CLEAN_PDF = PDF.subarray(PDF.indexOf("%PDF-"));
const bytes = (...parts: (string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(async () => {
  await scratch.cleanup();
});

async function extract(name: string, content: Uint8Array | string) {
  const file = await scratch.write(name, content);
  return extractFile({ path: file, name }, testConfig({ ocr: { enabled: false } }));
}

describe("1. file-type signatures after leading bytes", () => {
  it.each([
    ["a scanner's tag with NUL bytes (the report)", PDF, "scan.pdf", "magic"],
    ["the same under a name that says nothing", PDF, "scan", "magic"],
    [
      "a mail gateway's header lines",
      bytes("X-Scanned-By: gateway 2.1\r\nX-Virus: clean\r\n\r\n", CLEAN_PDF),
      "a.bin",
      "magic",
    ],
    ["a UTF-8 byte-order mark", bytes("\xef\xbb\xbf", CLEAN_PDF), "a.pdf", "magic"],
    ["blank lines from a web server", bytes("\r\n\r\n  \n", CLEAN_PDF), "download", "magic"],
    ["1000 bytes of junk", bytes(Buffer.alloc(1000, 0x1a), CLEAN_PDF), "a.pdf", "magic"],
    [
      "2000 bytes of junk, named .pdf: the name decides",
      bytes(Buffer.alloc(2000, 0), CLEAN_PDF),
      "a.pdf",
      "extension",
    ],
  ])("%s: read as a PDF", async (_what, content, name, by) => {
    expect(await detectType(content, name)).toMatchObject({ kind: "pdf", by });
    const result = await extract(name.includes(".") ? name : `${name}`, content);
    expect(result.type.kind).toBe("pdf");
    expect(result.text).toContain("OK-2024-1009");
  });

  it.each([
    [
      "2000 bytes of junk under a name that says nothing",
      bytes(Buffer.alloc(2000, 0), CLEAN_PDF),
      "a.dat",
      "binary",
    ],
    [
      "a text that only mentions %PDF-",
      bytes("How to spot a PDF: it starts with %PDF-1.7 and ends with %%EOF.\n"),
      "notes.txt",
      "text",
    ],
    ["a ZIP is still a ZIP", zipSync({ "a.txt": strToU8("hello") }), "a.pdf", "zip"],
  ])("%s: not taken for a PDF", async (_what, content, name, kind) => {
    expect((await detectType(content, name)).kind).toBe(kind);
  });

  it("a name that promises a PDF over bytes that are none ends as damaged, not as unsupported", async () => {
    const error = await extract("broken.pdf", bytes(Buffer.alloc(3000, 0), "no pdf here")).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "corrupt" });
  });
});

/** A one-part mail: `headers` then the body bytes. */
const mail = (headers: string, body: Uint8Array | string) =>
  bytes(
    `From: a@example.org\r\nTo: b@example.org\r\nSubject: Test\r\nDate: Fri, 15 Apr 2022 10:00:00 +0200\r\nMIME-Version: 1.0\r\n${headers}\r\n\r\n`,
    typeof body === "string" ? Buffer.from(body, "latin1") : body,
  );
const GERMAN = "die Rechnung über 1.250,00 € für März";
const win1252 = (text: string) => iconv.encode(text, "windows-1252");
const utf8 = (text: string) => Buffer.from(text, "utf8");
/** ISO-2022-JP (RFC 1468) of full-width text: JIS X 0208 between ESC $ B and ESC ( B; JIS = EUC-JP − 0x80. */
const iso2022jp = (text: string) =>
  bytes(
    "\x1b$B",
    Uint8Array.from(iconv.encode(text, "euc-jp"), (b) => b & 0x7f),
    "\x1b(B",
  );

describe("2. mail parts decoded beyond their MIME charset", () => {
  it.each([
    [
      "HTML, charset only in <meta> (the report)",
      "Content-Type: text/html\r\nContent-Transfer-Encoding: 8bit",
      bytes(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><p>',
        win1252(GERMAN),
        "</p></body></html>",
      ),
    ],
    [
      "HTML, <meta charset> short form",
      "Content-Type: text/html\r\nContent-Transfer-Encoding: 8bit",
      bytes('<html><head><meta charset="windows-1252"></head><body>', win1252(GERMAN), "</body></html>"),
    ],
    [
      "plain text, no charset anywhere, 8-bit windows-1252",
      "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit",
      win1252(`Sehr geehrte Damen und Herren,\r\n${GERMAN} ist fällig.`),
    ],
    [
      "plain text, no Content-Type at all, 8-bit windows-1252",
      "Content-Transfer-Encoding: 8bit",
      win1252(`Sehr geehrte Damen und Herren,\r\n${GERMAN} ist fällig.`),
    ],
    [
      "declared iso-2022-jp, really UTF-8",
      "Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: 8bit",
      utf8(`Grüße,\r\n${GERMAN}`),
    ],
    [
      "declared us-ascii, really UTF-8",
      "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit",
      utf8(`Grüße,\r\n${GERMAN}`),
    ],
    [
      "declared iso-8859-1, really UTF-8",
      "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit",
      utf8(`Grüße,\r\n${GERMAN}`),
    ],
    [
      "no charset, base64 windows-1252",
      "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64",
      win1252(`Sehr geehrte Damen und Herren,\r\n${GERMAN}`).toString("base64"),
    ],
    [
      "no charset, quoted-printable HTML with <meta>",
      "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable",
      '<meta charset=3D"windows-1252"><p>die Rechnung =FCber 1.250,00 =80 f=FCr M=E4rz</p>',
    ],
  ])("%s", async (_what, headers, body) => {
    const result = await extract("mail.eml", mail(headers, body));
    expect(result.text).toContain(GERMAN);
    expect(result.text).not.toContain("\uFFFD");
    expect(result.warnings.join()).toMatch(/no charset declared|does not fit the bytes/);
  });

  it.each([
    [
      "a right iso-2022-jp part stays as declared",
      "iso-2022-jp",
      iso2022jp("請求書合計金額"),
      "請求書合計金額",
    ],
    ["a right windows-1252 part", "windows-1252", win1252(GERMAN), GERMAN],
    ["a right UTF-8 part", "utf-8", utf8(GERMAN), GERMAN],
  ])("%s", (_what, charset, content, text) => {
    expect(decodeMailPart(content, charset, false)).toMatchObject({ text, note: undefined });
  });

  it("plain ASCII without a charset says nothing", () => {
    expect(decodeMailPart(utf8("Hello"), undefined, false)).toMatchObject({ text: "Hello", note: undefined });
  });
});

const W =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml"';
const p = (text: string) =>
  `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const drawingBox = (text: string) =>
  `<w:p><w:r><w:drawing><wp:anchor><wp:positionH><wp:posOffset>914400</wp:posOffset></wp:positionH><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>${p(text)}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>`;
const vmlBox = (text: string) =>
  `<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>${p(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`;

/** A DOCX from its parts: `body` is the document's body XML, `parts` more word/ files with their relationship types. */
function docx(
  body: string,
  parts: Record<string, { type?: string; xml: string }> = {},
  extra: Record<string, string> = {},
) {
  const rels = Object.entries(parts)
    .filter(([, part]) => part.type)
    .map(([name, part], i) => `<Relationship Id="r${i}" Type="${REL}${part.type}" Target="${name}"/>`)
    .join("");
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    "_rels/.rels": strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="${REL}officeDocument" Target="word/document.xml"/></Relationships>`,
    ),
    "word/document.xml": strToU8(
      `<?xml version="1.0"?><w:document ${W}><w:body>${body}<w:sectPr/></w:body></w:document>`,
    ),
    "word/_rels/document.xml.rels": strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    ),
    ...Object.fromEntries(Object.entries(parts).map(([name, part]) => [`word/${name}`, strToU8(part.xml)])),
    ...Object.fromEntries(Object.entries(extra).map(([name, content]) => [name, strToU8(content)])),
  });
}

describe("3. DOCX text outside the body", () => {
  it.each([
    [
      "header and footer (letterhead)",
      docx(p("INVOICE HF-3001"), {
        "header1.xml": {
          type: "header",
          xml: `<w:hdr ${W}>${p("Kite &amp; Co Ltd")}${p("VAT GB 402 7719 33")}</w:hdr>`,
        },
        "footer1.xml": { type: "footer", xml: `<w:ftr ${W}>${p("IBAN GB33BUKB20201555555555")}</w:ftr>` },
      }),
      [
        "[Header]\nKite & Co Ltd\nVAT GB 402 7719 33\n\nINVOICE HF-3001",
        "INVOICE HF-3001\n\n[Footer]\nIBAN GB33BUKB20201555555555",
      ],
    ],
    [
      "first-page and default headers with the same text, once",
      docx(p("Body"), {
        "header1.xml": { type: "header", xml: `<w:hdr ${W}>${p("Same Letterhead GmbH")}</w:hdr>` },
        "header2.xml": { type: "header", xml: `<w:hdr ${W}>${p("Same Letterhead GmbH")}</w:hdr>` },
      }),
      ["[Header]\nSame Letterhead GmbH\n\nBody"],
    ],
    [
      "a bare DrawingML text box",
      docx(`${p("Body")}${drawingBox("Vendor in a box AG")}`),
      ["[Text boxes]\nVendor in a box AG"],
    ],
    [
      "footnotes and endnotes, without Word's separators",
      docx(`${p("Body")}`, {
        "footnotes.xml": {
          type: "footnotes",
          xml: `<w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">${p("Payable within 14 days")}</w:footnote></w:footnotes>`,
        },
        "endnotes.xml": {
          type: "endnotes",
          xml: `<w:endnotes ${W}><w:endnote w:id="1">${p("IBAN DE89 3704 0044 0532 0130 00")}</w:endnote></w:endnotes>`,
        },
      }),
      ["[Footnotes]\nPayable within 14 days", "[Endnotes]\nIBAN DE89 3704 0044 0532 0130 00"],
    ],
    [
      "tabs and breaks inside a header",
      docx(p("Body"), {
        "header1.xml": {
          type: "header",
          xml: `<w:hdr ${W}><w:p><w:r><w:t>Tel</w:t><w:tab/><w:t>0123</w:t><w:br/><w:t>Fax</w:t></w:r></w:p></w:hdr>`,
        },
      }),
      ["[Header]\nTel\t0123\nFax"],
    ],
  ])("%s", async (_what, content, expected) => {
    const result = await extract("letter.docx", content);
    for (const text of expected) expect(result.text).toContain(text);
    expect(result.text).not.toContain("914400");
    expect(result.text).not.toMatch(/\t\t/);
  });

  it("a VML text box mammoth already read is not repeated", async () => {
    const result = await extract("box.docx", docx(`${p("Body")}${vmlBox("Only once please")}`));
    expect(result.text.match(/Only once please/g)).toHaveLength(1);
    expect(result.text).not.toContain("[Text boxes]");
  });

  it("what is in the file but not read is listed in the warnings", async () => {
    const result = await extract(
      "rich.docx",
      docx(
        p("Body"),
        { "comments.xml": { xml: `<w:comments ${W}/>` } },
        {
          "word/media/image1.png": "png",
          "word/media/image2.png": "png",
          "word/charts/chart1.xml": "<c/>",
        },
      ),
    );
    expect(result.warnings.join()).toContain("docx: not read: comments, 2 picture(s)");
    expect(result.warnings.join()).toContain("1 chart(s)");
  });

  it("the reported file: vendor, VAT id and IBAN", async () => {
    const file = readFileSync(
      new URL("../fixtures/field-reports-1/03-docx-vendor-in-header-footer.docx", import.meta.url),
    );
    const result = await extract("03.docx", file);
    for (const text of ["Brightwater Consulting Ltd", "GB 402 7719 33", "GB33BUKB20201555555555"])
      expect(result.text).toContain(text);
  });
});

describe("decimal commas make no CSV", () => {
  it.each([
    [
      "space-aligned invoice lines",
      "1  Schraube M4  10  0,12  1,20\n2  Mutter M5  11  0,13  1,43\n3  Scheibe  12  0,14  1,68\n4  Bolzen  13  0,15  1,95\n",
      false,
    ],
    [
      "amounts with currency",
      "Nettobetrag: 1.207,40 EUR\nUSt: 229,41 EUR\nGesamt: 1.436,81 EUR\nSkonto: 28,74 EUR\n",
      false,
    ],
    ["a real comma CSV of numbers", "id,amount,qty\n1,20,3\n2,40,5\n3,60,7\n", true],
    [
      "a real CSV with quoted decimals",
      'date,text,amount\n2025-01-01,"Miete","1200,00"\n2025-01-02,"Strom","80,50"\n2025-01-03,"Gas","60,10"\n',
      true,
    ],
  ])("%s", (_what, text, csv) => {
    expect(looksLikeCsv(text)).toBe(csv);
  });
});

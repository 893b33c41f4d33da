/** Small documents generated at test time, so no binaries need committing. */
import { createCanvas } from "@napi-rs/canvas";
import { strToU8, type Zippable, zipSync } from "fflate";
import UTIF from "utif2";

/** A white page with black lines of text, big enough for OCR (about 300 dpi letter size). */
export function textPage(lines: readonly string[], width = 1400, height = 700) {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "black";
  ctx.font = "bold 56px DejaVu Sans";
  lines.forEach((line, i) => {
    ctx.fillText(line, 60, 120 + i * 110);
  });
  return canvas;
}

export async function png(lines: readonly string[]): Promise<Uint8Array> {
  return textPage(lines).encode("png");
}

export async function webp(lines: readonly string[]): Promise<Uint8Array> {
  return textPage(lines).encode("webp", 95);
}

/** A scan fed upside down. */
export async function upsideDownPng(lines: readonly string[]): Promise<Uint8Array> {
  const page = textPage(lines);
  const turned = createCanvas(page.width, page.height);
  const ctx = turned.getContext("2d");
  ctx.translate(page.width, page.height);
  ctx.rotate(Math.PI);
  ctx.drawImage(page, 0, 0);
  return turned.encode("png");
}

/** A JPEG stored rotated (as a phone does) with EXIF orientation 6 saying "rotate 90° clockwise to view". */
export async function rotatedJpegWithExif(lines: readonly string[]): Promise<Uint8Array> {
  const page = textPage(lines);
  const rotated = createCanvas(page.height, page.width);
  const ctx = rotated.getContext("2d");
  ctx.translate(0, page.width);
  ctx.rotate(-Math.PI / 2);
  ctx.drawImage(page, 0, 0);
  const jpeg = await rotated.encode("jpeg", 92);
  return insertExifOrientation(jpeg, 6);
}

/** Adds an APP1 Exif segment (little-endian TIFF, one IFD entry: Orientation) after SOI. */
function insertExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00];
  const entry = [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, orientation, 0x00, 0x00, 0x00];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff, ...entry, 0x00, 0x00, 0x00, 0x00];
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

/** An uncompressed RGBA TIFF with one IFD per page. */
export function multiPageTiff(pages: readonly (readonly string[])[]): Uint8Array {
  const images = pages.map((lines) => {
    const canvas = textPage(lines, 1000, 400);
    return {
      width: canvas.width,
      height: canvas.height,
      rgba: canvas.getContext("2d").getImageData(0, 0, 1000, 400).data,
    };
  });
  const header = 4096;
  let offset = header;
  const ifds = images.map(({ width, height }) => {
    const ifd = {
      t256: [width],
      t257: [height],
      t258: [8, 8, 8, 8],
      t259: [1],
      t262: [2],
      t273: [offset],
      t277: [4],
      t278: [height],
      t279: [width * height * 4],
      t284: [1],
      t338: [1],
    };
    offset += width * height * 4;
    return ifd;
  });
  const prefix = new Uint8Array(UTIF.encode(ifds as unknown as UTIF.IFD[]));
  const file = new Uint8Array(offset);
  file.set(prefix, 0);
  let at = header;
  for (const { rgba } of images) {
    file.set(rgba, at);
    at += rgba.length;
  }
  return file;
}

const XLSX_CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>`;

function sheetXml(rows: readonly (readonly (string | number)[])[]): string {
  const cells = (row: readonly (string | number)[], r: number) =>
    row
      .map((value, c) => {
        const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
        return typeof value === "number"
          ? `<c r="${ref}"><v>${value}</v></c>`
          : `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
      })
      .join("");
  const body = rows.map((row, r) => `<row r="${r + 1}">${cells(row, r)}</row>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
}

/** A two-sheet workbook with inline strings (what a minimal writer produces). */
export function xlsx(sheets: Record<string, readonly (readonly (string | number)[])[]>): Uint8Array {
  const names = Object.keys(sheets);
  const files: Zippable = {
    "[Content_Types].xml": strToU8(XLSX_CONTENT_TYPES),
    "_rels/.rels": strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    "xl/workbook.xml": strToU8(
      `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names
        .map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join("")}</sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
        .map(
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join("")}</Relationships>`,
    ),
  };
  names.forEach((name, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(sheets[name] ?? []));
  });
  return zipSync(files);
}

export function odt(paragraphs: readonly string[]): Uint8Array {
  const body = paragraphs.map((p) => `<text:p>${p}</text:p>`).join("");
  return zipSync({
    mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }],
    "content.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>${body}</office:text></office:body></office:document-content>`,
    ),
    "META-INF/manifest.xml": strToU8(
      `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
    ),
  });
}

/** A mail with a text body, a PDF attachment, an inline logo referenced from the HTML, and a forwarded mail. */
export function emailWithAttachments(pdf: Uint8Array): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/.{76}/g, "$&\r\n");
  const forwarded = [
    "From: Supplier <billing@supplier.example>",
    "To: office@example.com",
    "Subject: Original invoice",
    "Date: Mon, 3 Mar 2025 09:00:00 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Inner message body REF INNER 7777",
  ].join("\r\n");
  return [
    "From: =?utf-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.com>",
    "To: inbox@example.com",
    "Subject: =?utf-8?Q?Rechnung_M=C3=A4rz?=",
    "Date: Tue, 4 Mar 2025 10:00:00 +0100",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="outer"',
    "",
    "--outer",
    'Content-Type: multipart/related; boundary="rel"',
    "",
    "--rel",
    'Content-Type: multipart/alternative; boundary="alt"',
    "",
    "--alt",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Hallo, anbei die Rechnung f=C3=BCr M=C3=A4rz.",
    "--alt",
    "Content-Type: text/html; charset=utf-8",
    "",
    '<p>Hallo, anbei die Rechnung.</p><img src="cid:logo@example">',
    "--alt--",
    "--rel",
    "Content-Type: image/png",
    "Content-ID: <logo@example>",
    "Content-Disposition: inline; filename=logo.png",
    "Content-Transfer-Encoding: base64",
    "",
    "iVBORw0KGgo=",
    "--rel--",
    "--outer",
    'Content-Type: application/pdf; name="Rechnung März.pdf"',
    "Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf",
    "Content-Transfer-Encoding: base64",
    "",
    b64(pdf),
    "--outer",
    "Content-Type: message/rfc822",
    "Content-Disposition: attachment",
    "",
    forwarded,
    "--outer--",
    "",
  ].join("\r\n");
}

/** A one-page PDF with a text layer, written by hand (Helvetica, no compression). */
export function textPdf(lines: readonly string[]): Uint8Array {
  const stream = lines.map((line, i) => `BT /F1 14 Tf 72 ${760 - i * 24} Td (${line}) Tj ET`).join("\n");
  return assemblePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ]);
}

/** A PDF whose standard security handler wants a user password (the O/U entries match no empty password). */
export function encryptedPdf(): Uint8Array {
  const hex32 = "A1".repeat(32);
  return assemblePdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
      `<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${hex32}> /P -44 >>`,
    ],
    "/Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
  );
}

function assemblePdf(objects: readonly string[], trailerExtra = ""): Uint8Array {
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

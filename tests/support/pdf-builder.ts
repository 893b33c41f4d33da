import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDeflate } from "node:zlib";

/**
 * A minimal, valid PDF 1.4 from object bodies (object 1 must be the catalog), with a correct xref table:
 * enough to hand pdf.js hostile content without shipping binaries.
 */
export function buildPdf(objects: readonly (string | Uint8Array)[], trailerExtra = ""): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (part: string | Uint8Array) => {
    const bytes = typeof part === "string" ? Buffer.from(part, "latin1") : part;
    parts.push(bytes);
    length += bytes.length;
  };
  push("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  objects.forEach((body, index) => {
    offsets.push(length);
    push(`${index + 1} 0 obj\n`);
    push(body);
    push("\nendobj\n");
  });
  const xref = length;
  push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) push(`${String(offset).padStart(10, "0")} 00000 n \n`);
  push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** A stream object: dictionary entries plus data (already encoded as the dictionary says). */
export function streamObject(dictionary: string, data: Uint8Array): Uint8Array {
  return Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, "latin1"),
    data,
    Buffer.from("\nendstream", "latin1"),
  ]);
}

/** One page whose content stream is `content` (uncompressed). */
export function onePagePdf(content: string, extraCatalog = ""): Uint8Array {
  return buildPdf([
    `<< /Type /Catalog /Pages 2 0 R ${extraCatalog}>>`,
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    streamObject("", Buffer.from(content, "latin1")),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ]);
}

/** `bytes` zero bytes through zlib at level 9: about a thousandth of the size (a deflate bomb). */
export async function deflatedZeros(bytes: number): Promise<Uint8Array> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  for (let written = 0; written < bytes; written += chunk.length) {
    const piece = written + chunk.length > bytes ? chunk.subarray(0, bytes - written) : chunk;
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** A page whose content stream inflates to `bytes` bytes: pdf.js holds it all in memory to parse it. */
export async function deflateBombPdf(bytes: number): Promise<Uint8Array> {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    streamObject("/Filter /FlateDecode", await deflatedZeros(bytes)),
  ]);
}

/** deflateBombPdf, made once per machine and kept in the temp folder (it takes seconds to compress). */
export async function cachedDeflateBombPdf(bytes: number): Promise<string> {
  const file = path.join(os.tmpdir(), `docsort-test-deflate-bomb-${bytes}.pdf`);
  if (existsSync(file) && readFileSync(file).subarray(0, 5).toString() === "%PDF-") return file;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, await deflateBombPdf(bytes));
  renameSync(temporary, file);
  return file;
}

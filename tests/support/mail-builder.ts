/** Small RFC 5322 / MIME messages for the mail tests, written out by hand so every byte is known. */

export interface Part {
  type: string;
  /** Base64-encoded when given as bytes. */
  content: string | Uint8Array;
  filename?: string;
  disposition?: "attachment" | "inline";
  contentId?: string;
}

export interface MailSpec {
  from?: string;
  to?: string;
  subject?: string;
  /** RFC 5322 date; default now. */
  date?: Date;
  /** Without angle brackets; null leaves the header out. */
  messageId?: string | null;
  text?: string;
  html?: string;
  parts?: Part[];
}

let counter = 0;

export function buildMail(spec: MailSpec): string {
  counter += 1;
  const id =
    spec.messageId === undefined
      ? `test-${process.pid}-${Date.now()}-${counter}@docsort.test`
      : spec.messageId;
  const headers = [
    `From: ${spec.from ?? "Billing <billing@vendor.test>"}`,
    `To: ${spec.to ?? "me@home.test"}`,
    `Subject: ${spec.subject ?? "Test message"}`,
    `Date: ${(spec.date ?? new Date()).toUTCString()}`,
    ...(id === null ? [] : [`Message-ID: <${id}>`]),
    "MIME-Version: 1.0",
  ];
  const body: Part[] = [];
  if (spec.text !== undefined) body.push({ type: "text/plain; charset=utf-8", content: spec.text });
  if (spec.html !== undefined) body.push({ type: "text/html; charset=utf-8", content: spec.html });
  const parts = [...body, ...(spec.parts ?? [])];
  if (parts.length === 1 && body.length === 1) {
    const [only] = parts;
    return `${headers.join("\r\n")}\r\nContent-Type: ${only?.type}\r\n\r\n${String(only?.content)}\r\n`;
  }
  const boundary = `=_docsort_${counter}_${Date.now()}`;
  const rendered = parts.map((part) => renderPart(part)).join(`\r\n--${boundary}\r\n`);
  return `${headers.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\n${rendered}\r\n--${boundary}--\r\n`;
}

function renderPart(part: Part): string {
  const name = part.filename ? `; name="${part.filename}"` : "";
  const lines = [`Content-Type: ${part.type}${name}`];
  if (part.disposition || part.filename)
    lines.push(
      `Content-Disposition: ${part.disposition ?? "attachment"}${part.filename ? `; filename="${part.filename}"` : ""}`,
    );
  if (part.contentId) lines.push(`Content-ID: <${part.contentId}>`);
  if (typeof part.content === "string") return `${lines.join("\r\n")}\r\n\r\n${part.content}`;
  lines.push("Content-Transfer-Encoding: base64");
  const base64 = Buffer.from(part.content).toString("base64").replace(/.{76}/g, "$&\r\n");
  return `${lines.join("\r\n")}\r\n\r\n${base64}`;
}

/** A one-page PDF whose text layer says `text` (a hand-made minimal PDF, readable by pdf.js). */
export function tinyPdf(text: string): Uint8Array {
  const escaped = text.replace(/[()\\]/g, "\\$&");
  const stream = `BT /F1 12 Tf 72 720 Td (${escaped}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const [index, object] of objects.entries()) {
    offsets.push(out.length);
    out += `${index + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** A 1×1 PNG. */
export const PIXEL_PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
);

import { readFile } from "node:fs/promises";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { extractFile } from "../../src/extract/index.js";
import { closeOcr } from "../../src/extract/ocr.js";
import { layoutText } from "../../src/extract/pdf-layout.js";
import { createRegistry } from "../../src/extract/registry.js";
import { textExtractor } from "../../src/extract/text.js";
import {
  emailWithAttachments,
  multiPageTiff,
  odt,
  rotatedJpegWithExif,
  textPdf,
  upsideDownPng,
  webp,
  xlsx,
} from "./fixtures.js";
import { normalize, repoRoot, scratchDir, testConfig } from "./helpers.js";

const scratch = await scratchDir();
const config = testConfig();

afterAll(async () => {
  await closeOcr();
  await scratch.cleanup();
});

async function extract(name: string, bytes: Uint8Array | string, depth = 0) {
  return extractFile({ path: await scratch.write(name, bytes), name, depth }, config);
}

describe("text formats", () => {
  it("CSV: delimiter detected, header kept, one row per line", async () => {
    const csv =
      '\uFEFF"Datum";"Text";"Betrag"\r\n"01.03.2025";"Miete; Mai";"-980,00"\r\n"02.03.2025";"Gehalt";"3.184,56"\r\n';
    const result = await extract("umsaetze.csv", csv);
    expect(result.text).toBe(
      "Datum | Text | Betrag\n01.03.2025 | Miete; Mai | -980,00\n02.03.2025 | Gehalt | 3.184,56",
    );
    expect(result).toMatchObject({ method: "text", encoding: "UTF-8", type: { kind: "csv" } });
  });

  it("HTML: tables as columns, headings not upper-cased, no URLs", async () => {
    const html = `<html><body><h1>Invoice</h1><p>See <a href="https://example.com/x">details</a>
      <img src="logo.png" alt="Logo"></p><table><tr><th>Item</th><th>Amount</th></tr><tr><td>Toner</td><td>179.80</td></tr></table></body></html>`;
    const result = await extract("invoice.html", html);
    expect(result.text).toMatch(/^Invoice\n/);
    expect(result.text).toMatch(/Item\s+Amount\nToner\s+179\.80/);
    expect(result.text).not.toContain("example.com");
    expect(result.text).not.toContain("logo.png");
    expect(result.method).toBe("html");
  });

  it("JSON and Markdown are read as text", async () => {
    expect((await extract("data.json", '{"total": 12.5}')).type.kind).toBe("json");
    const markdown = await extract("notes.md", "# Minutes\n\n- item one\n- item two\n");
    expect(markdown).toMatchObject({
      text: "# Minutes\n\n- item one\n- item two",
      type: { kind: "markdown" },
    });
  });

  it("an empty file is a result with a warning, not an error", async () => {
    const result = await extract("scan.pdf", new Uint8Array(0));
    expect(result).toMatchObject({ text: "", chars: 0, warnings: ["empty file"], type: { kind: "empty" } });
  });

  it("records the language when stop words make it clear", async () => {
    const german = await extract(
      "brief.txt",
      "Sehr geehrte Damen und Herren, wir bitten Sie, die Rechnung bis zum Monatsende zu begleichen. Mit freundlichen Grüßen",
    );
    expect(german.language).toBe("de");
    const french = await extract(
      "lettre.txt",
      "Nous vous remercions de votre commande et vous prions de trouver ci-joint la facture pour le mois de mars.",
    );
    expect(french.language).toBe("fr");
  });
});

describe("PDF", { timeout: 30_000 }, () => {
  it("reads a text layer, reports pages and method", async () => {
    const result = await extract("invoice.pdf", textPdf(["Invoice INV-1001", "Total due: 1,234.56 EUR"]));
    expect(result).toMatchObject({ method: "text-layer", pages: 1, pagesRead: 1 });
    expect(result.text).toBe("Invoice INV-1001\nTotal due: 1,234.56 EUR");
  });

  it("orders text top to bottom, then left to right, whatever the stream order", () => {
    const item = (str: string, x: number, y: number) => ({ str, x, y, width: str.length * 6, size: 12 });
    const text = layoutText([
      item("FOOTER", 72, 760),
      item("RIGHT column", 320, 200),
      item("LEFT column", 72, 200),
      item("HEADER", 72, 60),
    ]);
    expect(text.split("\n").filter(Boolean)).toEqual(["HEADER", "LEFT column   RIGHT column", "FOOTER"]);
  });
});

describe("office, mail and archives", { timeout: 30_000 }, () => {
  it("XLSX: every sheet with its name, header row and rows", async () => {
    const workbook = xlsx({
      Statement: [
        ["Date", "Description", "Amount"],
        ["2025-03-12", "Coffee", -3.5],
        ["2025-03-13", "Salary", 2500],
      ],
      Notes: [["Reference"], ["REF XLSX 4242"]],
    });
    const result = await extract("statement.xlsx", workbook);
    expect(result.type.kind).toBe("xlsx");
    expect(result.method).toBe("spreadsheet");
    expect(result.text).toBe(
      "Sheet: Statement\nDate | Description | Amount\n2025-03-12 | Coffee | -3.5\n2025-03-13 | Salary | 2500\n\nSheet: Notes\nReference\nREF XLSX 4242",
    );
  });

  it("ODT: paragraphs of content.xml", async () => {
    const result = await extract("brief.odt", odt(["Mietvertrag &amp; Anlage", "Miete: 1.250,00 EUR"]));
    expect(result).toMatchObject({
      type: { kind: "odt" },
      method: "office",
      text: "Mietvertrag & Anlage\nMiete: 1.250,00 EUR",
    });
  });

  it("e-mail: headers and body as text, attachments and forwarded mail as children, inline logo skipped", async () => {
    const pdf = textPdf(["Attached invoice REF ATTCH 3344"]);
    const result = await extract("mail.eml", emailWithAttachments(pdf));
    expect(result.method).toBe("mime");
    expect(result.text).toContain("Subject: Rechnung März");
    expect(result.text).toContain("From: Jörg Müller <joerg@example.com>");
    expect(result.text).toContain("To: inbox@example.com");
    expect(result.text).toContain("Date: 2025-03-04T09:00:00.000Z");
    expect(result.text).toContain("Hallo, anbei die Rechnung für März.");
    expect(result.children?.map((child) => child.name)).toEqual(["Rechnung März.pdf", "attachment-2.eml"]);
    expect(Buffer.from(result.children?.[0]?.bytes ?? []).equals(Buffer.from(pdf))).toBe(true);
    expect(result.warnings).toContain("skipped 1 inline image(s) embedded in the HTML body");

    const forwarded = result.children?.[1];
    if (!forwarded) throw new Error("forwarded message missing");
    const inner = await extract(forwarded.name, forwarded.bytes, 1);
    expect(inner.text).toContain("Subject: Original invoice");
    expect(inner.text).toContain("REF INNER 7777");
  });

  it("ZIP: members become children; folders, dotfiles and __MACOSX are skipped; text lists the members", async () => {
    const zip = zipSync({
      "invoices/": {},
      "invoices/a.pdf": textPdf(["A"]),
      "notes.txt": strToU8("hello"),
      ".DS_Store": strToU8("junk"),
      "__MACOSX/invoices/._a.pdf": strToU8("junk"),
    });
    const result = await extract("bundle.zip", zip);
    expect(result.method).toBe("archive");
    expect(result.children?.map((child) => child.name)).toEqual(["invoices/a.pdf", "notes.txt"]);
    expect(result.text).toMatch(/^ZIP archive with 2 file\(s\):\ninvoices\/a\.pdf/);
    expect(new TextDecoder().decode(result.children?.[1]?.bytes)).toBe("hello");
  });

  it("ZIP: a member path that climbs out of the archive (../) refuses the archive", async () => {
    const zip = zipSync({ "../escape.txt": strToU8("x") });
    await expect(extract("evil.zip", zip)).rejects.toMatchObject({ code: "corrupt" });
  });
});

describe("images (OCR)", () => {
  it("WebP", async () => {
    const result = await extract("scan.webp", await webp(["Invoice WEBP 4711", "Total 99.50"]));
    expect(result).toMatchObject({ method: "ocr", type: { kind: "webp" }, pages: 1, pagesRead: 1 });
    expect(normalize(result.text)).toContain("invoice webp 4711");
    expect(result.ocrConfidence).toBeGreaterThan(0.7);
  }, 240_000);

  it("JPEG with EXIF orientation 6 is turned upright before OCR", async () => {
    const result = await extract("photo.jpg", await rotatedJpegWithExif(["Receipt EXIF 8642", "Thank you"]));
    expect(normalize(result.text)).toContain("receipt exif 8642");
  }, 240_000);

  it("a page scanned upside down is read the right way up", async () => {
    const result = await extract(
      "upside-down.png",
      await upsideDownPng(["Upside down NOTICE 2468", "Please read"]),
    );
    expect(normalize(result.text)).toContain("upside down notice 2468");
    expect(result.ocrConfidence).toBeGreaterThan(0.7);
  }, 240_000);

  it("multi-page TIFF: every page read, capped by maxPages", async () => {
    const tiff = multiPageTiff([["Page one ALPHA"], ["Page two BRAVO"]]);
    const result = await extract("fax.tif", tiff);
    expect(result).toMatchObject({ type: { kind: "tiff" }, pages: 2, pagesRead: 2, method: "ocr" });
    expect(normalize(result.text)).toMatch(/alpha[\s\S]*bravo/);

    const capped = await extractFile(
      { path: await scratch.write("fax2.tif", tiff), name: "fax2.tif", limits: { maxPages: 1 } },
      config,
    );
    expect(capped).toMatchObject({ pages: 2, pagesRead: 1 });
    expect(capped.warnings).toContain("read the first 1 of 2 pages (extract.maxPages)");
    expect(normalize(capped.text)).not.toContain("bravo");
  }, 240_000);

  it("HEIC (a 4.5 KB photo made with heif-enc, committed as a fixture)", async () => {
    const heic = await readFile(path.join(repoRoot, "tests/fixtures/extract/receipt.heic"));
    const result = await extract("IMG_0001.HEIC", heic);
    expect(result).toMatchObject({ method: "ocr", type: { kind: "heic", mime: "image/heic" } });
    expect(normalize(result.text)).toContain("heic photo 5150");
  }, 240_000);

  it("with OCR off, an image gives empty text and says why", async () => {
    const file = await scratch.write("off.webp", await webp(["x"]));
    const result = await extractFile(
      { path: file, name: "off.webp" },
      testConfig({ ocr: { enabled: false } }),
    );
    expect(result.text).toBe("");
    expect(result.warnings).toContain("image not read: OCR is off (extract.ocr.enabled)");
  });
});

describe("registry", () => {
  it("refuses duplicate extractor names", () => {
    expect(() => createRegistry([textExtractor, textExtractor])).toThrow('duplicate extractor name "text"');
  });

  it("picks the extractor with the highest score", () => {
    const weak = { ...textExtractor, name: "weak", score: () => 1 };
    const strong = { ...textExtractor, name: "strong", score: () => 5 };
    const registry = createRegistry([weak, strong]);
    expect(registry.pick({ mime: "text/plain", kind: "text", by: "content" })?.name).toBe("strong");
  });
});

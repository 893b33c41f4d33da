import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { PageRenderError, renderPage } from "../../src/extract/render-page.js";
import { minimalPdf } from "../support/minimal-pdf.js";

const request = { maxSide: 800, maxPixels: 60_000_000 };

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height };
}

describe("page images", () => {
  it("renders a PDF page to a PNG no larger than maxSide, with ink on it", async () => {
    const page = await renderPage({
      ...request,
      bytes: minimalPdf(["INVOICE 2025-0417", "Total due: 119.00 EUR"]),
      kind: "pdf",
      page: 1,
    });
    expect(page).toMatchObject({ mime: "image/png", pages: 1 });
    const { width, height } = pngSize(page.bytes);
    expect(Math.max(width, height)).toBe(800);
    expect(height).toBeGreaterThan(width);
    const pixels = PNG.sync.read(Buffer.from(page.bytes)).data;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) if ((pixels[i] ?? 255) < 100) dark++;
    expect(dark).toBeGreaterThan(100);
  });

  it("draws a PNG scan upright and scaled down", async () => {
    const source = new PNG({ width: 1600, height: 800 });
    source.data.fill(200);
    const page = await renderPage({ ...request, bytes: PNG.sync.write(source), kind: "png", page: 1 });
    expect(pngSize(page.bytes)).toEqual({ width: 800, height: 400 });
  });

  it.each([
    ["a text file", { bytes: Buffer.from("hello"), kind: "text", page: 1 }, "no_pages"],
    ["a page after the last", { bytes: minimalPdf(["one page"]), kind: "pdf", page: 2 }, "page_out_of_range"],
    ["a damaged PDF", { bytes: Buffer.from("%PDF-1.4\ngarbage"), kind: "pdf", page: 1 }, "unreadable"],
    ["a damaged PNG", { bytes: Buffer.from("\x89PNG\r\n\x1a\nbroken"), kind: "png", page: 1 }, "unreadable"],
  ])("refuses %s with a reason", async (_name, input, code) => {
    const error = await renderPage({ ...request, ...input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageRenderError);
    expect((error as PageRenderError).code).toBe(code);
  });
});

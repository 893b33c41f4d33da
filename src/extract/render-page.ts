/**
 * One page of a document as an image a browser shows: PDF pages rendered by pdf.js on @napi-rs/canvas, image
 * frames (PNG, JPEG, TIFF pages, HEIC) decoded by the same memory-safe decoders OCR uses, upright and scaled down.
 */
import { createCanvas } from "@napi-rs/canvas";
import { type DisplayImage, framesOf } from "./image-frames.js";
import { MIME_BY_KIND, PAGED_KINDS } from "./kinds.js";
import { openPdf } from "./pdf.js";

export interface RenderedPage extends DisplayImage {
  /** Pages (or frames) in the document. */
  pages: number;
}

export type PageErrorCode = "no_pages" | "page_out_of_range" | "unreadable";

export class PageRenderError extends Error {
  constructor(
    readonly code: PageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PageRenderError";
  }
}

export interface RenderRequest {
  bytes: Uint8Array;
  kind: string;
  /** 1-based. */
  page: number;
  /** Longest side of the image, in pixels. */
  maxSide: number;
  /** Images larger than this are refused, as extraction refuses them. */
  maxPixels: number;
}

export async function renderPage(request: RenderRequest): Promise<RenderedPage> {
  if (!PAGED_KINDS.has(request.kind)) {
    throw new PageRenderError("no_pages", `a ${request.kind} document has no pages to show`);
  }
  try {
    return request.kind === "pdf" ? await renderPdfPage(request) : await renderFrame(request);
  } catch (error) {
    if (error instanceof PageRenderError) throw error;
    throw new PageRenderError("unreadable", `the page could not be drawn: ${String(error).slice(0, 200)}`);
  }
}

async function renderPdfPage({ bytes, page, maxSide }: RenderRequest): Promise<RenderedPage> {
  const pdf = await openPdf({
    bytes,
    type: { mime: MIME_BY_KIND.pdf ?? "application/pdf", kind: "pdf", by: "magic" },
  });
  try {
    const pages = pdf.numPages;
    checkRange(page, pages);
    const proxy = await pdf.getPage(page);
    try {
      const base = proxy.getViewport({ scale: 1 });
      const viewport = proxy.getViewport({ scale: maxSide / Math.max(base.width, base.height) });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext("2d");
      context.fillStyle = "white";
      context.fillRect(0, 0, canvas.width, canvas.height);
      await proxy.render({ canvas, canvasContext: context, viewport }).promise;
      return { bytes: await canvas.encode("png"), mime: "image/png", pages };
    } finally {
      proxy.cleanup();
    }
  } finally {
    await pdf.destroy();
  }
}

async function renderFrame({ bytes, kind, page, maxSide, maxPixels }: RenderRequest): Promise<RenderedPage> {
  const frames = await framesOf(bytes, kind, maxPixels);
  checkRange(page, frames.length);
  const frame = frames[page - 1];
  if (!frame) throw new PageRenderError("page_out_of_range", `there is no page ${page}`);
  if (frame.width * frame.height > maxPixels) {
    throw new PageRenderError(
      "unreadable",
      `the image is too large to show (${frame.width}×${frame.height})`,
    );
  }
  return { ...(await frame.toDisplayImage(maxSide)), pages: frames.length };
}

function checkRange(page: number, pages: number): void {
  if (page < 1 || page > pages) {
    throw new PageRenderError("page_out_of_range", `there is no page ${page}; the document has ${pages}`);
  }
}

/**
 * Entry of the page-rendering process (forked by render-process.ts): pdf.js and the image decoders run outside
 * the server, where a hostile file can exhaust memory without taking the server down. One request per message.
 */
import { PageRenderError, type RenderRequest, renderPage } from "../../extract/render-page.js";

export type RenderReply =
  | { ok: true; bytes: Uint8Array; mime: string; pages: number }
  | { ok: false; code: PageRenderError["code"]; message: string };

export async function render(request: RenderRequest): Promise<RenderReply> {
  try {
    const page = await renderPage(request);
    return { ok: true, bytes: page.bytes, mime: page.mime, pages: page.pages };
  } catch (error) {
    if (error instanceof PageRenderError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "unreadable", message: String(error).slice(0, 200) };
  }
}

if (process.send) {
  process.on("message", (request: RenderRequest) => {
    void render(request).then((reply) => process.send?.(reply));
  });
  process.on("disconnect", () => process.exit(0));
}

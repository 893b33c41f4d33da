/** Entry of the page-rendering thread (piscina): pdf.js and the image decoders stay off the server's event loop. */
import { PageRenderError, type RenderRequest, renderPage } from "../../extract/render-page.js";

export type RenderReply =
  | { ok: true; bytes: Uint8Array; mime: string; pages: number }
  | { ok: false; code: PageRenderError["code"]; message: string };

export default async function run(request: RenderRequest): Promise<RenderReply> {
  try {
    const page = await renderPage(request);
    return { ok: true, bytes: page.bytes, mime: page.mime, pages: page.pages };
  } catch (error) {
    if (error instanceof PageRenderError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "unreadable", message: String(error).slice(0, 200) };
  }
}

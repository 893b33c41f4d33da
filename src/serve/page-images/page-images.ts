import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config/schema.js";
import { PAGED_KINDS } from "../../extract/kinds.js";
import type { DocumentRecord } from "../../store/documents-repo.js";
import type { Store } from "../../store/store.js";
import { ApiError } from "../api/api-error.js";
import { RenderProcess } from "./render-process.js";

export interface PageImage {
  bytes: Uint8Array;
  mime: string;
}

const RENDER_TIMEOUT_MS = 60_000;
/** Memory of the page-rendering process (extract.maxMemoryMb if lower). */
const RENDER_MEMORY_MB = 1024;
const EXTENSION: Readonly<Record<string, string>> = {
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/bmp": "bmp",
};

/**
 * Page images by document id and page number — never by a path from the request. The file is the one docsort
 * recorded for the document, and it is shown only while its SHA-256 still matches what docsort read. Rendered
 * pages are cached by content hash under DOCSORT_HOME/cache/pages.
 */
export class PageImages {
  private readonly renderer: RenderProcess;
  private readonly inFlight = new Map<string, Promise<PageImage>>();
  private readonly cacheDir: string;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, "home" | "serve" | "extract">,
  ) {
    this.cacheDir = path.join(config.home, "cache", "pages");
    this.renderer = new RenderProcess({
      maxMemoryMb: Math.min(RENDER_MEMORY_MB, config.extract.maxMemoryMb),
      timeoutMs: RENDER_TIMEOUT_MS,
    });
  }

  /** How many page images a document has: its pages for PDFs and scans, none for text formats. */
  count(document: DocumentRecord): number {
    if (!document.kind || !PAGED_KINDS.has(document.kind)) return 0;
    return this.store.extractions.latest(document.id)?.pages ?? 1;
  }

  async get(documentId: number, page: number): Promise<PageImage> {
    const document = this.store.documents.get(documentId);
    if (!document) throw new ApiError(404, "not_found", `there is no document #${documentId}`);
    const pages = this.count(document);
    if (pages === 0)
      throw new ApiError(404, "page_unavailable", `document #${documentId} has no page images`);
    if (page > pages) {
      throw new ApiError(
        404,
        "page_unavailable",
        `document #${documentId} has ${pages} page(s), not ${page}`,
      );
    }
    const key = `${document.sha256}-${page}-${this.config.serve.pageSide}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const task = this.cachedOrRendered(document, page, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, task);
    return task;
  }

  async close(): Promise<void> {
    await this.renderer.close();
  }

  private async cachedOrRendered(document: DocumentRecord, page: number, key: string): Promise<PageImage> {
    for (const [mime, extension] of Object.entries(EXTENSION)) {
      const file = path.join(this.cacheDir, `${key}.${extension}`);
      if (existsSync(file)) return { bytes: await readFile(file), mime };
    }
    const image = await this.render(document, page);
    await mkdir(this.cacheDir, { recursive: true });
    const file = path.join(this.cacheDir, `${key}.${EXTENSION[image.mime] ?? "png"}`);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, image.bytes);
    await rename(temporary, file);
    return image;
  }

  private async render(document: DocumentRecord, page: number): Promise<PageImage> {
    const bytes = await this.readOriginal(document);
    const reply = await this.renderer.run({
      bytes,
      kind: document.kind ?? "",
      page,
      maxSide: this.config.serve.pageSide,
      maxPixels: this.config.extract.maxImagePixels,
    });
    if (!reply.ok) {
      const status = reply.code === "unreadable" ? 500 : 404;
      throw new ApiError(
        status,
        reply.code === "unreadable" ? "internal" : "page_unavailable",
        reply.message,
      );
    }
    return { bytes: reply.bytes, mime: reply.mime };
  }

  /** The bytes docsort read for this document: its recorded file (or stored blob), unchanged since. */
  async readOriginal(document: DocumentRecord): Promise<Uint8Array> {
    const file = document.blobPath ?? document.path;
    const unavailable = (why: string) =>
      new ApiError(404, "file_unavailable", `the file of document #${document.id} ${why}`);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw unavailable("is no longer where docsort saw it");
    }
    if (size !== document.size || size > this.config.extract.maxFileBytes) {
      throw unavailable("has changed since docsort read it");
    }
    const bytes = await readFile(file);
    if (createHash("sha256").update(bytes).digest("hex") !== document.sha256) {
      throw unavailable("has changed since docsort read it");
    }
    return bytes;
  }
}

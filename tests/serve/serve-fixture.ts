import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { App } from "../../src/app.js";
import { readAccessToken } from "../../src/serve/auth/access-token.js";
import { type RunningServer, startServer } from "../../src/serve/server.js";
import { nowIso } from "../../src/store/clock.js";
import type { DocumentRecord } from "../../src/store/documents-repo.js";
import type { Store } from "../../src/store/store.js";
import { tempDir } from "../support/temp-dir.js";

export interface ServeFixture {
  app: App;
  store: Store;
  server: RunningServer;
  root: string;
  /** The access token (also the bearer token). */
  token: string;
  /** A request with `Authorization: Bearer <token>`. */
  api(pathname: string, init?: RequestInit): Promise<Response>;
  /** A request with no credentials at all. */
  anonymous(pathname: string, init?: RequestInit): Promise<Response>;
  /** Signs in like a browser: the session cookie and the CSRF token of its pages. */
  signIn(): Promise<BrowserSession>;
  /** Writes a real file and records it as a document docsort has read (kind, pages, text). */
  addFile(name: string, bytes: Buffer, kind: string, text: string, pages: number | null): DocumentRecord;
  close(): Promise<void>;
}

export interface BrowserSession {
  cookie: string;
  csrf: string;
  request(pathname: string, init?: RequestInit): Promise<Response>;
}

/** The review app in this process, on a random loopback port, over a fresh data folder. */
export async function startServeFixture(): Promise<ServeFixture> {
  const dir = tempDir("docsort-serve-");
  const home = path.join(dir.path, "home");
  const inbox = path.join(dir.path, "inbox");
  mkdirSync(inbox, { recursive: true });
  const app = App.open({ home, inbox }, false);
  const server = await startServer(app, { port: 0, version: "test" });
  const token = readAccessToken(home) ?? "";
  const url = (pathname: string) => `${server.url}${pathname}`;
  return {
    app,
    store: app.store,
    server,
    root: dir.path,
    token,
    api: (pathname, init = {}) =>
      fetch(url(pathname), { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } }),
    anonymous: (pathname, init) => fetch(url(pathname), init),
    async signIn() {
      const login = await fetch(url(`/login?token=${encodeURIComponent(token)}`));
      const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
      const page = await (await fetch(url("/search"), { headers: { cookie } })).text();
      const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1] ?? "";
      return {
        cookie,
        csrf,
        request: (pathname, init = {}) =>
          fetch(url(pathname), { ...init, headers: { cookie, ...init.headers } }),
      };
    },
    addFile(name, bytes, kind, text, pages) {
      const file = path.join(inbox, name);
      writeFileSync(file, bytes);
      const now = nowIso();
      const document = app.store.documents.insert(
        {
          sha256: createHash("sha256").update(bytes).digest("hex"),
          path: file,
          name,
          size: bytes.length,
          status: "needs_review",
          reason: "low confidence (0.40 < 0.7)",
        },
        now,
      );
      app.store.documents.update(
        document.id,
        { kind, mime: kind === "pdf" ? "application/pdf" : `image/${kind}` },
        now,
      );
      app.store.extractions.add(
        {
          documentId: document.id,
          text,
          method: "text-layer",
          mime: "application/pdf",
          kind,
          pages,
          pagesRead: pages,
          encoding: null,
          language: null,
          ocrConfidence: null,
          warnings: [],
          durationMs: 1,
        },
        now,
      );
      return app.store.documents.get(document.id) ?? document;
    },
    async close() {
      await server.close();
      app.close();
      dir.cleanup();
    },
  };
}

import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import type { App } from "../app.js";
import { confirmedSource } from "../classify/build-cascade.js";
import { BuiltinClassifier } from "../classify/builtin/builtin-classifier.js";
import { DocsortError } from "../errors.js";
import { ServeSessionsRepo } from "../store/serve-sessions-repo.js";
import { ensureAccessToken } from "./auth/access-token.js";
import type { ServeEnv } from "./auth/guards.js";
import { Sessions } from "./auth/sessions.js";
import { HandlerRunner } from "./handler-runner.js";
import { createHttpApp } from "./http-app.js";
import { ChangeFeed } from "./live/change-feed.js";
import { createOperations } from "./operations.js";
import { PageImages } from "./page-images/page-images.js";

export interface ServeOptions {
  /** Address to listen on; default 127.0.0.1. Anything not loopback is reachable from the network. */
  host?: string | undefined;
  /** Port; default serve.port from the config; 0 takes any free port. */
  port?: number | undefined;
  version: string;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The URL that signs a browser in: url + /login?token=… */
  loginUrl: string;
  host: string;
  port: number;
  /** True when the address is not a loopback address. */
  exposed: boolean;
  /** Resolves when handler runs started by decisions made here have finished. */
  handlersIdle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_HOST = "127.0.0.1";

/**
 * Starts the review app (`docsort serve`, `watch --serve`) on the app's store: pages, API v1, sign-in. Creates the
 * access token on first start. Decisions made here run their handlers at once in this process.
 */
export async function startServer(app: App, options: ServeOptions): Promise<RunningServer> {
  const { config, store, logger } = app;
  const host = options.host ?? DEFAULT_HOST;
  const token = ensureAccessToken(config.home);
  const [first, ...others] = config.taxonomy.map((c) => c.name);
  if (first === undefined) throw new Error("the taxonomy has no categories");
  const runner = new HandlerRunner(app);
  const images = new PageImages(store, config);
  const feed = new ChangeFeed(store, config);
  const closing = new AbortController();

  let http: Hono<ServeEnv> | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request) => (http ? http.fetch(request) : new Response("starting", { status: 503 })),
    overrideGlobalObjects: false,
  }) as Server;
  const wanted = options.port ?? config.serve.port;
  server.listen(wanted, host);
  try {
    // once() rejects with the server's "error" event (port in use, no such address).
    await once(server, "listening");
  } catch (error) {
    throw listenError(error, host, wanted);
  }
  const { port } = server.address() as AddressInfo;
  const exposed = !isLoopback(host);
  const cookieName = `docsort_session_${port}`;
  http = createHttpApp(
    {
      config,
      store,
      logger,
      categories: [first, ...others],
      operations: createOperations(store, [first, ...others], runner),
      sessions: new Sessions(new ServeSessionsRepo(store.db), config.serve.sessionHours),
      images,
      feed,
      builtin: new BuiltinClassifier(
        [first, ...others],
        confirmedSource(() => store),
      ),
      cookieName,
      version: options.version,
    },
    { allowedHosts: exposed ? undefined : loopbackHosts(host, port), closing: closing.signal },
  );
  const url = `http://${urlHost(host)}:${port}`;
  logger.info(`review app at ${url}${exposed ? " (reachable from the network)" : ""}`);

  let closed: Promise<void> | undefined;
  return {
    url,
    loginUrl: `${url}/login?token=${encodeURIComponent(token)}`,
    host,
    port,
    exposed,
    handlersIdle: () => runner.idle(),
    close() {
      closed ??= (async () => {
        closing.abort();
        feed.stop();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // the live streams end on the abort; once their responses are finished their connections are idle
        await new Promise((resolve) => setImmediate(resolve));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
        await stopped;
        await runner.idle();
        await images.close();
      })();
      return closed;
    },
  };
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "EADDRINUSE") {
    return new DocsortError(
      `port ${port} on ${host} is in use (is docsort serve already running?); choose another with --port or serve.port.`,
      1,
      { cause: error },
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
    return new DocsortError(
      `cannot listen on ${host}:${port} (${String(code)}); check --host and --port.`,
      1,
      {
        cause: error,
      },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

function loopbackHosts(host: string, port: number): Set<string> {
  return new Set([`${urlHost(host)}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return DEFAULT_HOST;
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

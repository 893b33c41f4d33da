import type { Command } from "commander";
import { z } from "zod";
import type { App } from "../app.js";
import type { RunningServer } from "../serve/server.js";
import { printLine } from "./output/print.js";
import { packageVersion } from "./program.js";

export const serveOptionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().trim().min(1).optional(),
});
export type ServeCliOptions = z.infer<typeof serveOptionsSchema>;

/** --port and --host, shared by `serve` and `watch --serve`. */
export function addServeOptions(command: Command): Command {
  return command
    .option("--port <n>", "port (default serve.port, 8417; 0 for any free port)")
    .option(
      "--host <address>",
      "listen on another address than 127.0.0.1 (reachable from the network: a warning)",
    );
}

/**
 * Starts the review app and prints where to open it; a non-loopback address gets a warning on stderr. The server
 * (Hono, the page renderer) is loaded only here, so `watch` without --serve starts without it.
 */
export async function startAnnouncedServer(app: App, options: ServeCliOptions): Promise<RunningServer> {
  const { isLoopback, startServer } = await import("../serve/server.js");
  const server = await startServer(app, {
    host: options.host,
    port: options.port,
    version: packageVersion(),
  });
  if (!isLoopback(server.host)) {
    process.stderr.write(
      `docsort: warning: listening on ${server.host}: the review app is reachable from other machines, over plain HTTP. ` +
        "Anyone who learns the token can read every document and approve invoices. Leave out --host to stay on 127.0.0.1.\n",
    );
  }
  printLine(`docsort review app: ${server.url}`);
  printLine(`open this URL to sign in: ${server.loginUrl}`);
  return server;
}

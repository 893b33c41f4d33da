import { existsSync } from "node:fs";
import type { Config } from "../../config/schema.js";
import { createHandlerRegistry } from "../../handlers/index.js";
import { preflightHandler } from "../../handlers/preflight.js";
import { databasePath, Store } from "../../store/store.js";
import type { Check } from "./check.js";

/**
 * One check per enabled handler: what its runs need from this machine (a webhook's secret variable and host, a
 * command on PATH, a writable filing root), checked in the environment doctor runs in — run doctor where docsort
 * runs (same user, same variables).
 */
export async function checkHandlers(config: Config): Promise<Check[]> {
  if (!existsSync(databasePath(config.home))) return [];
  const store = Store.open(config.home);
  try {
    const registry = createHandlerRegistry();
    const checks: Check[] = [];
    for (const handler of store.handlers.list().filter((h) => h.enabled)) {
      const result = await preflightHandler(handler, registry, { env: process.env, cwd: process.cwd() });
      const name = `handler ${handler.name}`;
      const [first] = result.problems;
      checks.push(
        first
          ? {
              name,
              ok: false,
              detail: `${handler.kind}: ${result.problems.map((p) => p.problem).join("; ")}`,
              fix: result.problems.map((p) => p.fix).join("; "),
            }
          : {
              name,
              ok: true,
              detail: [handler.kind, ...result.checked].join(", "),
            },
      );
    }
    return checks;
  } finally {
    store.close();
  }
}

import { accessSync, constants, existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { fallsBackToBuiltin } from "../../classify/builtin/fallback-policy.js";
import { checkEveryHost } from "../../classify/hosts/hosts-health.js";
import { loadPromptTemplate } from "../../classify/prompt-template.js";
import { loadConfig } from "../../config/load-config.js";
import type { Config } from "../../config/schema.js";
import { errorMessage } from "../../errors.js";
import { databasePath, Store } from "../../store/store.js";
import type { Check } from "../doctor/check.js";
import { checkHandlers } from "../doctor/handler-checks.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";

const doctorOptions = z.object({ json: z.boolean().optional() });

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the configuration, the database, the inbox and the model server, and say what to fix")
    .option("--json", "print the checks as JSON")
    .action(async (raw: unknown, command: Command) => {
      const options = parseInput(doctorOptions, raw);
      const config = loadConfig(globalOptions(command));
      const checks = [
        checkConfig(config),
        checkFolder("data folder", config.home, true),
        ...(existsSync(config.home) ? [checkDatabase(config), checkPermissions(config)] : []),
        checkFolder("inbox", config.inbox, false),
        checkPrompts(config),
        ...(await checkModel(config)),
        ...(await checkHandlers(config)),
      ];
      if (checks.some((c) => (c.name === "ollama" || c.name === "model") && !c.ok))
        checks.push(checkFallback(config));
      if (options.json) printJson(checks);
      else for (const check of checks) printCheck(check);
      if (checks.some((c) => !c.ok)) markFailed();
    });
}

function printCheck(check: Check): void {
  printLine(`${check.ok ? "ok  " : "FAIL"}  ${check.name}: ${check.detail}`);
  if (!check.ok && check.fix) printLine(`      → ${check.fix}`);
}

function checkConfig(config: Config): Check {
  const categories = config.taxonomy.map((c) => c.name).join(", ");
  return {
    name: "config",
    ok: true,
    detail: `${config.source ?? "defaults (no docsort.config.json)"}; categories: ${categories}`,
  };
}

/** Doctor only looks: a missing data folder is reported, never created (a mistyped --home stays visible). */
function checkFolder(name: string, dir: string, isData: boolean): Check {
  try {
    if (!existsSync(dir)) {
      if (!isData) return { name, ok: true, detail: `${dir} does not exist yet; docsort watch creates it` };
      return {
        name,
        ok: false,
        detail: `no docsort data at ${dir}`,
        fix: "start docsort watch (it creates the folder), or check --home and DOCSORT_HOME",
      };
    }
    accessSync(dir, isData ? constants.R_OK | constants.W_OK : constants.R_OK);
    return { name, ok: true, detail: dir };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `${dir}: ${errorMessage(error)}`,
      fix: `make ${dir} ${isData ? "writable" : "readable"} for this user, or choose another folder`,
    };
  }
}

function checkDatabase(config: Config): Check {
  const file = databasePath(config.home);
  if (!existsSync(file))
    return {
      name: "database",
      ok: false,
      detail: `no database at ${file}`,
      fix: "start docsort watch to create it",
    };
  try {
    const store = Store.open(config.home);
    try {
      const version = store.db.pragma("user_version", { simple: true });
      const mode = store.db.pragma("journal_mode", { simple: true });
      const integrity = store.db.pragma("quick_check", { simple: true });
      const counts = store.documents.countByStatus();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const ok = integrity === "ok";
      return {
        name: "database",
        ok,
        detail: `${file} (schema ${version}, ${mode}, ${total} documents, integrity ${integrity})`,
        ...(ok ? {} : { fix: "restore the database from a backup; docsort cannot repair it" }),
      };
    } finally {
      store.close();
    }
  } catch (error) {
    return {
      name: "database",
      ok: false,
      detail: `${file}: ${errorMessage(error)}`,
      fix: "check the data folder",
    };
  }
}

/** What docsort writes under the data folder: every document's text, handler secrets, archive copies. */
function privatePaths(config: Config): string[] {
  const db = databasePath(config.home);
  const archive = path.resolve(config.home, config.invoices.archiveDir);
  return [
    config.home,
    db,
    `${db}-wal`,
    `${db}-shm`,
    path.join(config.home, "logs"),
    path.join(config.home, "logs", "docsort.log"),
    path.join(config.home, "blobs"),
    path.join(config.home, "serve.token"),
    ...(archive.startsWith(config.home + path.sep) ? [archive] : []),
  ].filter((p) => existsSync(p));
}

/** Files 0600 and folders 0700: no other user may read them. */
function checkPermissions(config: Config): Check {
  if (process.platform === "win32")
    return { name: "permissions", ok: true, detail: "not checked on Windows" };
  const open = privatePaths(config).flatMap((p) => {
    const mode = statSync(p).mode & 0o777;
    return (mode & 0o077) === 0 ? [] : [`${path.relative(config.home, p) || "."} (${mode.toString(8)})`];
  });
  if (open.length === 0)
    return { name: "permissions", ok: true, detail: "the data folder is readable by its owner only" };
  return {
    name: "permissions",
    ok: false,
    detail: `readable by other users: ${open.join(", ")} — they hold every document's text and handler secrets`,
    fix: `chmod -R go-rwx ${config.home}`,
  };
}

function checkPrompts(config: Config): Check {
  try {
    const template = loadPromptTemplate(config.prompts, "classify");
    return { name: "prompts", ok: true, detail: `${template.file} (${template.hash.slice(0, 12)})` };
  } catch (error) {
    return { name: "prompts", ok: false, detail: errorMessage(error), fix: "restore prompts/classify.md" };
  }
}

/** What happens to documents while the model is not there. */
function checkFallback(config: Config): Check {
  const store = existsSync(databasePath(config.home)) ? Store.open(config.home) : undefined;
  try {
    const builtin = fallsBackToBuiltin(config.model.fallback, store?.meta);
    const detail = builtin
      ? `documents are classified by the built-in classifier meanwhile (model.fallback ${config.model.fallback})`
      : `documents wait in the queue until the model is back (model.fallback ${config.model.fallback})`;
    return { name: "fallback", ok: true, detail };
  } finally {
    store?.close();
  }
}

/** Every model host: reachable, and has the model. With several hosts each check names its host. */
async function checkModel(config: Config): Promise<Check[]> {
  const hosts = await checkEveryHost(config.model);
  const several = hosts.length > 1;
  return hosts.flatMap(({ url, parallel, health }) => {
    const at = several ? ` at ${url} (parallel ${parallel})` : "";
    if (health.ok) {
      return [
        { name: "ollama", ok: true, detail: `${url} (Ollama ${health.version ?? "unknown version"})` },
        { name: "model", ok: true, detail: `${config.model.name}, num_ctx ${config.model.numCtx}${at}` },
      ];
    }
    if (health.problem === "model_missing") {
      return [
        { name: "ollama", ok: true, detail: url },
        {
          name: "model",
          ok: false,
          detail: health.message,
          fix: several ? `ollama pull ${config.model.name} on ${url}` : `ollama pull ${config.model.name}`,
        },
      ];
    }
    return [
      {
        name: "ollama",
        ok: false,
        detail: health.message,
        fix: several
          ? `start Ollama at ${url} (\`ollama serve\`), or remove it from model.hosts`
          : "install Ollama (https://ollama.com), run `ollama serve`, or point OLLAMA_HOST at your server",
      },
    ];
  });
}

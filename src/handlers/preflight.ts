import { lookup } from "node:dns/promises";
import { constants, type Stats } from "node:fs";
import { access, stat } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import which from "which";
import { errorMessage } from "../errors.js";
import type { HandlerRecord } from "../store/handlers-repo.js";
import type { HandlerRegistry } from "./index.js";

/** One thing that would make a handler's runs fail, found before any run: what is wrong and what to do. */
export interface PreflightProblem {
  problem: string;
  fix: string;
}

export interface PreflightResult {
  /** What was checked and found fine, for `doctor`'s line ("secret DOCSORT_WEBHOOK_SECRET set"). */
  checked: string[];
  problems: PreflightProblem[];
}

export interface PreflightEnvironment {
  env: NodeJS.ProcessEnv;
  /** Relative command paths and `cwd` are resolved against this (docsort's working folder). */
  cwd: string;
  /** Host name → resolves? Default: the system resolver (getaddrinfo), given `dnsTimeoutMs`. */
  resolve?: (host: string) => Promise<void>;
  dnsTimeoutMs?: number;
}

type Check = (config: Record<string, unknown>, on: PreflightEnvironment) => Promise<PreflightResult>;

/**
 * The preconditions of each handler kind that its config schema cannot check, because they are about this machine:
 * a webhook's secret variable is set and its host resolves, a command is on PATH, a filing root is writable. Used by
 * `doctor` and by `handlers add` (as warnings). Kinds without such preconditions pass.
 */
const CHECKS: Readonly<Record<string, Check>> = {
  webhook: async (config, on) => merge(await secretSet(config, on), await hostResolves(config, on)),
  command: commandRunnable,
  move: rootWritable,
  copy: rootWritable,
};

export async function preflightHandler(
  handler: Pick<HandlerRecord, "kind" | "config">,
  registry: HandlerRegistry,
  on: PreflightEnvironment,
): Promise<PreflightResult> {
  const kind = registry.get(handler.kind);
  if (!kind) return result([], [{ problem: `unknown kind ${handler.kind}`, fix: "remove the handler" }]);
  const parsed = kind.configSchema.safeParse(handler.config);
  if (!parsed.success)
    return result([], [{ problem: "its config is no longer valid", fix: "add it again with --replace" }]);
  const check = CHECKS[handler.kind];
  return check ? check(parsed.data as Record<string, unknown>, on) : result([], []);
}

async function secretSet(
  config: Record<string, unknown>,
  on: PreflightEnvironment,
): Promise<PreflightResult> {
  const name = typeof config.secretEnv === "string" ? config.secretEnv : undefined;
  if (!name) return result(typeof config.secret === "string" ? ["secret stored"] : [], []);
  if (on.env[name]) return result([`secret ${name} set`], []);
  return result(
    [],
    [
      {
        problem: `the environment variable ${name} (the webhook secret) is not set, so every delivery fails`,
        fix: `export ${name}=… (the secret the receiver checks) in the environment docsort runs in`,
      },
    ],
  );
}

async function hostResolves(
  config: Record<string, unknown>,
  on: PreflightEnvironment,
): Promise<PreflightResult> {
  const url = new URL(String(config.url));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return result([`${host} is an address`], []);
  const resolve = on.resolve ?? ((name: string) => systemResolve(name, on.dnsTimeoutMs ?? 5000));
  try {
    await resolve(host);
    return result([`${host} resolves`], []);
  } catch (error) {
    return result(
      [],
      [
        {
          problem: `${host} does not resolve (${errorMessage(error)}), so every delivery fails`,
          fix: `check the URL ${url.origin}, or this machine's DNS`,
        },
      ],
    );
  }
}

async function systemResolve(host: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([lookup(host), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function commandRunnable(
  config: Record<string, unknown>,
  on: PreflightEnvironment,
): Promise<PreflightResult> {
  const command = String(config.command);
  const cwd = typeof config.cwd === "string" ? path.resolve(on.cwd, config.cwd) : on.cwd;
  const problems: PreflightProblem[] = [];
  const checked: string[] = [];
  if (!(await statOf(cwd))?.isDirectory())
    problems.push({ problem: `its working folder ${cwd} does not exist`, fix: "create it, or change cwd" });
  const found = command.includes("/")
    ? await executable(path.resolve(cwd, command))
    : await which(command, { path: on.env.PATH ?? "", nothrow: true });
  if (found) checked.push(`${command} is ${found === true ? "executable" : `at ${found}`}`);
  else
    problems.push({
      problem: command.includes("/")
        ? `${command} does not exist or is not executable, so every run fails`
        : `${command} is not on PATH (${on.env.PATH ?? "no PATH"}), so every run fails`,
      fix: "install it, or give its full path in command",
    });
  return result(checked, problems);
}

async function rootWritable(config: Record<string, unknown>): Promise<PreflightResult> {
  const root = String(config.root);
  let dir = root;
  // the root is created on the first run: then its nearest existing parent must be writable
  let found = await statOf(dir);
  while (!found && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
    found = await statOf(dir);
  }
  try {
    if (!found?.isDirectory()) throw new Error(`${dir} is not a folder`);
    await access(dir, constants.W_OK | constants.X_OK);
    return result([dir === root ? `${root} is writable` : `${root} can be created in ${dir}`], []);
  } catch (error) {
    return result(
      [],
      [
        {
          problem: `files cannot be filed under ${root}: ${errorMessage(error)}`,
          fix: `make ${dir} writable for the user docsort runs as, or choose another root`,
        },
      ],
    );
  }
}

async function executable(file: string): Promise<boolean> {
  if (!(await statOf(file))?.isFile()) return false;
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The file's stats, or undefined when there is nothing there (or it cannot be looked at). */
function statOf(file: string): Promise<Stats | undefined> {
  return stat(file).catch(() => undefined);
}

function result(checked: string[], problems: PreflightProblem[]): PreflightResult {
  return { checked, problems };
}

function merge(...results: PreflightResult[]): PreflightResult {
  return {
    checked: results.flatMap((r) => r.checked),
    problems: results.flatMap((r) => r.problems),
  };
}

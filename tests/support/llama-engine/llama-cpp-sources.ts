/**
 * Files of the llama.cpp release that node-llama-cpp was built from. The npm package carries that release as a git
 * bundle (`llama/gitRelease.bundle`); the tests take from it the GGUF writer (gguf-py), a vocab-only GGUF with a real
 * tokenizer and chat template, and llama.cpp's JSON-schema-to-grammar converter. Nothing is downloaded.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** This folder: its package.json installs the engine apart from the app. */
export const ENGINE_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.join(ENGINE_DIR, "node_modules", "node-llama-cpp");
const BUNDLE = path.join(PACKAGE_DIR, "llama", "gitRelease.bundle");

/** Where generated files live: beside the installed engine, so they go when it goes. */
export const CACHE_DIR = path.join(ENGINE_DIR, "node_modules", ".cache", "docsort-real-engine");

/** The files the tests use, relative to the llama.cpp source root. */
export const SOURCE_FILES = {
  ggufPy: "gguf-py",
  vocab: "models/ggml-vocab-qwen2.gguf",
  schemaToGrammar: "examples/json_schema_to_grammar.py",
} as const;

export interface LlamaCppSources {
  /** Source root holding SOURCE_FILES. */
  dir: string;
  /** The release tag recorded by node-llama-cpp (e.g. "v0.4.0"). */
  release: string;
  /** node-llama-cpp's version. */
  packageVersion: string;
  path(file: keyof typeof SOURCE_FILES): string;
}

export function installedPackageVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

function releaseTag(): string {
  const info = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "llama", "llama.cpp.info.json"), "utf8")) as {
    tag?: unknown;
  };
  return typeof info.tag === "string" ? info.tag : "unknown";
}

let checkedOut: Promise<LlamaCppSources> | undefined;

/**
 * Checks the needed files out of the bundle once per installed package version (about 5 s), then reuses them.
 * Rejects when the package or git is missing.
 */
export function llamaCppSources(): Promise<LlamaCppSources> {
  checkedOut ??= checkOut();
  return checkedOut;
}

async function checkOut(): Promise<LlamaCppSources> {
  const packageVersion = installedPackageVersion();
  if (packageVersion === undefined) throw new Error(`node-llama-cpp is not installed in ${ENGINE_DIR}`);
  const dir = path.join(CACHE_DIR, `llama.cpp-${packageVersion}`);
  const sources: LlamaCppSources = {
    dir,
    release: releaseTag(),
    packageVersion,
    path: (file) => path.join(dir, SOURCE_FILES[file]),
  };
  if (
    Object.keys(SOURCE_FILES).every((file) => existsSync(sources.path(file as keyof typeof SOURCE_FILES)))
  ) {
    return sources;
  }
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const gitDir = path.join(work, ".git");
  try {
    await run("git", ["init", "--quiet", "--bare", gitDir]);
    await run("git", ["--git-dir", gitDir, "fetch", "--quiet", BUNDLE, "HEAD"]);
    await run("git", [
      "--git-dir",
      gitDir,
      "--work-tree",
      work,
      "checkout",
      "FETCH_HEAD",
      "--",
      ...Object.values(SOURCE_FILES),
    ]);
    rmSync(gitDir, { recursive: true, force: true });
    try {
      renameSync(work, dir);
    } catch (error) {
      // Another test file got there first: its copy is the same.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return sources;
}

/**
 * Whether the real-engine tier can run here. It is skipped, with the reason in the suite's title and on stderr,
 * only when the engine cannot load: node-llama-cpp not installed (npm run engine:install), its prebuilt binary
 * refusing this machine, no python3 with numpy to write the test model, or no git to read the bundled llama.cpp
 * sources. With DOCSORT_REAL_ENGINE=required (set by .ci/run) any of these fails the run instead.
 *
 * Nothing here imports node-llama-cpp statically, so a test file can ask before loading the engine:
 *   const gate = await checkRealEngine();
 *   describe.skipIf(!gate.ok)(realEngineTitle("…", gate), () => { … await import("./llama-ollama-server.js") … });
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { installedPackageVersion } from "./llama-engine/llama-cpp-sources.js";
import { pythonWithNumpy } from "./llama-engine/python.js";
import type { PromptTokenizer } from "./llama-engine/tokenizer.js";
import type { LlamaOllamaServer } from "./llama-ollama-server.js";

const run = promisify(execFile);

export type RealEngineGate = { ok: true } | { ok: false; reason: string };

let checked: Promise<RealEngineGate> | undefined;

export function checkRealEngine(): Promise<RealEngineGate> {
  checked ??= (async () => {
    const reason = await whyUnavailable();
    if (reason === undefined) return { ok: true };
    if (process.env.DOCSORT_REAL_ENGINE === "required") {
      throw new Error(
        `the real-engine tests are required here (DOCSORT_REAL_ENGINE=required), but ${reason}`,
      );
    }
    process.stderr.write(`real-engine tests skipped: ${reason}\n`);
    return { ok: false, reason };
  })();
  return checked;
}

/** Writes the test model if needed, loads it and starts the server (tens of seconds on a busy machine). */
export async function startRealEngineServer(): Promise<LlamaOllamaServer> {
  const { startLlamaOllamaServer } = await import("./llama-ollama-server.js");
  return startLlamaOllamaServer();
}

/** The test model's tokenizer and chat template, without the server (loads in a moment). */
export async function loadRealTokenizer(): Promise<PromptTokenizer> {
  const { loadPromptTokenizer } = await import("./llama-engine/tokenizer.js");
  return loadPromptTokenizer();
}

/** Hook timeout for starting the server: writing the model and loading it on a loaded 2-core machine. */
export const START_TIMEOUT_MS = 240_000;
/** Timeout of a test that makes model calls: tens of tokens per second when the machine is busy. */
export const MODEL_TEST_TIMEOUT_MS = 120_000;

export function realEngineTitle(title: string, gate: RealEngineGate): string {
  return gate.ok ? title : `${title} [skipped: ${gate.reason}]`;
}

async function whyUnavailable(): Promise<string | undefined> {
  if (installedPackageVersion() === undefined) {
    return "the llama.cpp engine (node-llama-cpp) is not installed: run `npm run engine:install`";
  }
  try {
    const { loadLlama } = await import("./llama-engine/engine.js");
    await loadLlama();
  } catch (error) {
    return `the llama.cpp engine cannot load on this machine: ${(error as Error).message}`;
  }
  try {
    await pythonWithNumpy();
  } catch (error) {
    return `the test model cannot be written: ${(error as Error).message}`;
  }
  try {
    await run("git", ["--version"]);
  } catch {
    return "git is needed to read the llama.cpp sources bundled with the engine";
  }
  return undefined;
}

/**
 * The test model: written by the tests on first use (about 5 s), cached beside the installed engine, never
 * downloaded and never committed. Random weights over the qwen2 tokenizer and chat template that ship inside
 * node-llama-cpp (write_tiny_model.py says how the weights are shaped).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readGgufFileInfo } from "node-llama-cpp";
import { CACHE_DIR, llamaCppSources } from "./llama-cpp-sources.js";
import { pythonWithNumpy, runPython } from "./python.js";

const WRITER = fileURLToPath(new URL("write_tiny_model.py", import.meta.url));

/** The name the test servers list the model under (Ollama style, with its tag). */
export const TINY_MODEL_NAME = "tiny-qwen2:latest";

/** Sizes: small enough to run at tens of tokens per second on one thread, large enough to use the real vocab. */
const DIMS = { embedding: 64, feedForward: 128, layers: 2, heads: 4, contextLength: 32768 };
/**
 * See write_tiny_model.py: the residual constant and the pull towards '"'. Chosen by trying: with these, answers to
 * docsort's schemas end after 40–90 tokens and vary (categories, in- and out-of-range confidences, empty and
 * non-empty strings).
 */
const SHAPE = { seed: 13, constant: 1, quoteBias: 5 };
const LOCK_STALE_MS = 180_000;
const LOCK_POLL_MS = 200;

export interface TinyModel {
  /** The GGUF file. */
  path: string;
  name: string;
  /** The vocab-only GGUF whose tokenizer the model uses. */
  vocabPath: string;
  /** llama.cpp release of the engine. */
  release: string;
}

interface GgufTokenizer {
  ggml: {
    model: string;
    pre: string;
    tokens: string[];
    token_type: number[];
    merges: string[];
    bos_token_id: number;
    eos_token_id: number;
    padding_token_id: number;
  };
  chat_template: string;
}

let prepared: Promise<TinyModel> | undefined;

/** The model file, written now if this engine version has none yet. Rejects when it cannot be written. */
export function prepareTinyModel(): Promise<TinyModel> {
  prepared ??= writeIfMissing();
  return prepared;
}

async function writeIfMissing(): Promise<TinyModel> {
  const sources = await llamaCppSources();
  const vocabPath = sources.path("vocab");
  const key = createHash("sha256")
    .update(readFileSync(WRITER))
    .update(JSON.stringify({ DIMS, SHAPE, version: sources.packageVersion }))
    .digest("hex")
    .slice(0, 16);
  const model: TinyModel = {
    path: path.join(CACHE_DIR, `tiny-qwen2-${key}.gguf`),
    name: TINY_MODEL_NAME,
    vocabPath,
    release: sources.release,
  };
  if (existsSync(model.path)) return model;
  const lock = `${model.path}.lock`;
  if (!takeLock(lock)) {
    await waitForFile(model.path, lock);
    return model;
  }
  try {
    const partial = `${model.path}.partial-${process.pid}`;
    const tokenizer = await tokenizerFields(vocabPath);
    const spec = {
      out: partial,
      name: "docsort tiny qwen2",
      dims: DIMS,
      seed: SHAPE.seed,
      constant: SHAPE.constant,
      tokenizer,
      tokenBias: tokenBias(tokenizer.tokens),
    };
    await runPython(await pythonWithNumpy(), [WRITER], JSON.stringify(spec), {
      PYTHONPATH: sources.path("ggufPy"),
    });
    renameSync(partial, model.path);
    return model;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** [token id, weight] pairs for write_tiny_model.py. */
function tokenBias(tokens: readonly string[]): [number, number][] {
  const quote = tokens.indexOf('"');
  if (quote < 0) throw new Error("the vocab has no '\"' token");
  return [[quote, SHAPE.quoteBias]];
}

async function tokenizerFields(vocabPath: string) {
  const info = await readGgufFileInfo(vocabPath, { readTensorInfo: false });
  const tokenizer = info.metadata.tokenizer as unknown as GgufTokenizer;
  const g = tokenizer.ggml;
  return {
    model: g.model,
    pre: g.pre,
    tokens: g.tokens,
    tokenType: g.token_type,
    merges: g.merges,
    bosTokenId: g.bos_token_id,
    eosTokenId: g.eos_token_id,
    padTokenId: g.padding_token_id,
    chatTemplate: tokenizer.chat_template,
  };
}

/** A directory as a lock (mkdir is atomic): test files running in parallel write the model once. */
function takeLock(lock: string): boolean {
  mkdirSync(path.dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
    return true;
  } catch {
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age > LOCK_STALE_MS) {
      rmSync(lock, { recursive: true, force: true });
      return takeLock(lock);
    }
    return false;
  }
}

async function waitForFile(file: string, lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_STALE_MS;
  while (!existsSync(file)) {
    if (!existsSync(lock)) throw new Error(`another test process failed to write ${file}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for another test process to write ${file}`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

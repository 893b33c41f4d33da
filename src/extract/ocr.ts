/**
 * Tesseract (tesseract.js, wasm) lifecycle: one OCR worker per extraction thread, created on first use
 * and reused for every page and document after that. Strictly offline: traineddata comes from the
 * @tesseract.js-data/* packages, never from the CDN that tesseract.js defaults to.
 */
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { createWorker, OEM, PSM, type Worker } from "tesseract.js";
import type { Log } from "./format-extractor.js";
import { ExtractionError } from "./types.js";

export type OcrLanguage = "eng" | "deu" | "fra";

export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0-1. */
  confidence: number;
  ms: number;
}

export interface OcrEngine {
  /** `image` is an encoded PNG/JPEG/BMP; `dpi` when known (rendered PDF pages). */
  recognize(image: Uint8Array, options?: { dpi?: number }): Promise<OcrResult>;
}

let current: { key: string; worker: Promise<Worker> } | undefined;
/** The worker outlives documents, so its errors go to the log of the document being read now. */
let currentLog: Log = () => {};

export function getOcrEngine(languages: readonly OcrLanguage[], log: Log): Promise<OcrEngine> {
  currentLog = log;
  const key = [...languages].sort().join("+");
  if (current?.key !== key) {
    void closeOcr();
    current = { key, worker: startWorker(languages) };
    const started = current;
    started.worker.catch(() => {
      if (current === started) current = undefined;
    });
  }
  const worker = current.worker;
  return worker.then((w) => ({
    recognize: (image, options) => exclusive(() => recognize(w, image, options?.dpi)),
  }));
}

let queue: Promise<unknown> = Promise.resolve();

/** One recognition at a time per worker: parameters are set per image and must not interleave. */
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

/** Ends this thread's OCR worker (tests and shutdown; extraction threads end with it anyway). */
export async function closeOcr(): Promise<void> {
  const closing = current;
  current = undefined;
  if (!closing) return;
  try {
    await (await closing.worker).terminate();
  } catch {
    // It never started or already died; nothing to release.
  }
}

async function startWorker(languages: readonly OcrLanguage[]): Promise<Worker> {
  const started = performance.now();
  const langPath = prepareLangPath(languages);
  const worker = await createWorker([...languages], OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    cacheMethod: "none",
    // Without a handler tesseract.js rethrows worker errors from an event listener: an uncaught exception.
    errorHandler: (error: unknown) => currentLog("warn", "tesseract worker error", { error: String(error) }),
  });
  currentLog("debug", "OCR worker started", { languages, ms: Math.round(performance.now() - started) });
  return worker;
}

/** Below this mean confidence a page may be upside down; one more pass at 180° is cheaper than missing it. */
const UPSIDE_DOWN_SUSPECT = 0.5;

/**
 * Tesseract's layout analysis already reads pages turned by 90°; upside-down pages come back as
 * low-confidence garbage, so those get a second pass rotated by 180° and the better reading wins.
 */
async function recognize(worker: Worker, image: Uint8Array, dpi: number | undefined): Promise<OcrResult> {
  const started = performance.now();
  // Full page layout analysis (tesseract.js defaults to one uniform block, which drops boxed and column
  // text); a known resolution (else tesseract guesses and prints "Estimating resolution as N").
  await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: String(dpi ?? 300) });
  const buffer = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  let best = (await worker.recognize(buffer, { rotateAuto: true })).data;
  if (best.confidence / 100 < UPSIDE_DOWN_SUSPECT && best.text.replace(/\s/g, "").length >= 10) {
    const turned = (await worker.recognize(buffer, { rotateRadians: Math.PI })).data;
    if (turned.confidence > best.confidence) best = turned;
  }
  return {
    text: best.text.replace(/[ \t]+\n/g, "\n").trim(),
    confidence: Math.max(0, Math.min(1, best.confidence / 100)),
    ms: performance.now() - started,
  };
}

/**
 * tesseract.js reads every language from one `langPath`, but each language ships in its own package.
 * A per-user folder of links to the packaged files joins them (tesseract.js 7 cannot take the bytes
 * directly: its initialize step joins `lang.data` instead of `lang.code`).
 *
 * The folder outlives installs: a link left by a moved or deleted checkout is replaced, never trusted.
 * A folder of that name owned by another user, or writable by others, is not used (another user could
 * plant language data there); a private folder of its own is made instead.
 *
 * Returns the folder's path. Throws {@link ExtractionError} when a language's package is not installed.
 */
export function prepareLangPath(languages: readonly OcrLanguage[]): string {
  const require = createRequire(import.meta.url);
  const dir = privateFolder(`docsort-tessdata-${process.getuid?.() ?? "user"}`);
  for (const lang of languages) {
    const file = `${lang}.traineddata.gz`;
    let source: string;
    try {
      source = path.join(
        path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)),
        "4.0.0_best_int",
        file,
      );
    } catch (cause) {
      throw new ExtractionError(
        "unreadable",
        `OCR language data "${lang}" is not installed: run npm install (package @tesseract.js-data/${lang})`,
        undefined,
        { cause },
      );
    }
    const target = path.join(dir, file);
    if (linksTo(target, source)) continue;
    // Made beside the target and renamed over it: a stale link or an old copy is replaced in one step,
    // and threads preparing the same folder at once never see a half-written file.
    const staging = `${target}.${process.pid}.${threadId}.tmp`;
    rmSync(staging, { force: true });
    try {
      symlinkSync(source, staging);
    } catch {
      copyFileSync(source, staging); // symlinks not allowed (Windows without privileges)
    }
    renameSync(staging, target);
  }
  return dir;
}

function linksTo(link: string, source: string): boolean {
  try {
    return readlinkSync(link) === source;
  } catch {
    return false; // missing, or a copied file (then it is copied again, once per OCR worker)
  }
}

/** `name` under the temporary folder if it is this user's own and private, else a new private folder. */
function privateFolder(name: string): string {
  const dir = path.join(tmpdir(), name);
  const uid = process.getuid?.();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0)
      return dir;
  } catch {
    // something else has the name (a file another user made): a private folder of its own below
  }
  return mkdtempSync(path.join(tmpdir(), `${name}-`));
}

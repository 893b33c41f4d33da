import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareLangPath } from "../../src/extract/ocr.js";

const asRoot = process.getuid?.() === 0;
const packaged = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@tesseract.js-data/eng/package.json")),
  "4.0.0_best_int",
  "eng.traineddata.gz",
);

let scratch: string;
let savedTmp: string | undefined;

beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "docsort-langpath-"));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = scratch; // os.tmpdir() reads it on every call
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(scratch, { recursive: true, force: true });
});

function shared(): string {
  return path.join(scratch, `docsort-tessdata-${process.getuid?.() ?? "user"}`);
}

function expectPackagedData(dir: string): void {
  const file = path.join(dir, "eng.traineddata.gz");
  expect(readFileSync(file).equals(readFileSync(packaged))).toBe(true);
}

describe("OCR language folder", () => {
  it("links the packaged language data into a private per-user folder", () => {
    const dir = prepareLangPath(["eng"]);
    expect(dir).toBe(shared());
    expect(lstatSync(dir).mode & 0o077).toBe(0);
    expect(readlinkSync(path.join(dir, "eng.traineddata.gz"))).toBe(packaged);
    expectPackagedData(dir);
  });

  it.each([
    [
      "a link left by a deleted checkout",
      (target: string) => symlinkSync("/gone/checkout/eng.traineddata.gz", target),
    ],
    ["a link to other data", (target: string) => symlinkSync(path.join(scratch, "planted"), target)],
    ["a half-written copy", (target: string) => writeFileSync(target, "not traineddata")],
  ])("replaces %s", (_, plant) => {
    mkdirSync(shared(), { mode: 0o700 });
    writeFileSync(path.join(scratch, "planted"), "planted");
    plant(path.join(shared(), "eng.traineddata.gz"));
    const dir = prepareLangPath(["eng"]);
    expect(dir).toBe(shared());
    expectPackagedData(dir);
    expect(readFileSync(path.join(scratch, "planted"), "utf8")).toBe("planted");
  });

  it("does not use a shared folder that others can write to", () => {
    mkdirSync(shared());
    chmodSync(shared(), 0o777);
    const dir = prepareLangPath(["eng"]);
    expect(dir).not.toBe(shared());
    expect(lstatSync(dir).mode & 0o077).toBe(0);
    expectPackagedData(dir);
  });

  it("makes a folder of its own when a file has the folder's name", () => {
    writeFileSync(shared(), "planted");
    const dir = prepareLangPath(["eng"]);
    expect(dir).not.toBe(shared());
    expectPackagedData(dir);
  });

  it("does not follow a link planted where the folder goes", () => {
    const elsewhere = mkdtempSync(path.join(scratch, "elsewhere-"));
    symlinkSync(elsewhere, shared());
    const dir = prepareLangPath(["eng"]);
    expect(dir).not.toBe(shared());
    expectPackagedData(dir);
  });

  it.runIf(asRoot)("does not use a folder owned by another user", () => {
    mkdirSync(shared(), { mode: 0o700 });
    chownSync(shared(), 65534, 65534);
    const dir = prepareLangPath(["eng"]);
    expect(dir).not.toBe(shared());
    expectPackagedData(dir);
  });
});

import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import type { ExtractConfig } from "../../src/config/schema.js";
import { ExtractionError, type ExtractionFailureCode, extractFile } from "../../src/extract/index.js";
import { closeOcr } from "../../src/extract/ocr.js";
import { encryptedPdf, png, textPdf } from "./fixtures.js";
import { corpusDir, hasCorpus, scratchDir, testConfig } from "./helpers.js";

const scratch = await scratchDir();
afterAll(async () => {
  await closeOcr();
  await scratch.cleanup();
});

async function failure(
  name: string,
  bytes: Uint8Array | string,
  config: ExtractConfig = testConfig(),
  depth = 0,
) {
  const file = await scratch.write(name, bytes);
  const error = await extractFile({ path: file, name, depth }, config).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ExtractionError))
    throw new Error(`expected an ExtractionError, got ${String(error)}`);
  return error;
}

function expectCode(error: ExtractionError, code: ExtractionFailureCode, message: RegExp) {
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

/** A PNG whose header claims the given size: the pixel limit must refuse it before decoding. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

describe("limits and refusals", { timeout: 30_000 }, () => {
  it("too_large: checked before the file is read", async () => {
    const error = await failure("big.txt", "x".repeat(2048), testConfig({ maxFileBytes: 1024 }));
    expectCode(error, "too_large", /file is 2 KiB, more than the limit of 1 KiB \(extract\.maxFileBytes\)/);
  });

  it.skipIf(!hasCorpus)("maxPages: the 60-page contract is read up to page 5", async () => {
    const file = path.join(corpusDir, "labeled/contracts/MSA_Quillon_Harbourline_2025.pdf");
    const result = await extractFile({ path: file, name: "MSA.pdf" }, testConfig({ maxPages: 5 }));
    expect(result).toMatchObject({ pages: 60, pagesRead: 5, method: "text-layer" });
    expect(result.warnings).toContain("read the first 5 of 60 pages (extract.maxPages)");
    expect(result.text).toContain("REF JTKJR 7223");
  });

  it("too_many_pixels: refused from the header, before decoding", async () => {
    const error = await failure(
      "huge.png",
      pngHeader(100_000, 100_000),
      testConfig({ maxImagePixels: 50_000_000 }),
    );
    expectCode(
      error,
      "too_many_pixels",
      /100000×100000 = 10000\.0 megapixels, more than extract\.maxImagePixels/,
    );
  });

  it("archive_limits: a zip bomb (one member expanding 10,000×)", async () => {
    const bomb = zipSync({ "zeros.bin": new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    const error = await failure("bomb.zip", bomb);
    expectCode(error, "archive_limits", /zeros\.bin expands \d+× \(a zip bomb\)/);
  });

  it("archive_limits: more unpacked bytes than maxArchiveBytes", async () => {
    const zip = zipSync({ "a.txt": strToU8("a".repeat(600)), "b.txt": strToU8("b".repeat(600)) });
    const error = await failure("big.zip", zip, testConfig({ maxArchiveBytes: 1000 }));
    expectCode(error, "archive_limits", /more than 1 KiB when unpacked \(extract\.maxArchiveBytes\)/);
  });

  it("archive_limits: more members than maxArchiveMembers", async () => {
    const members = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`file-${i}.txt`, strToU8(`file ${i}`)]),
    );
    const error = await failure("many.zip", zipSync(members), testConfig({ maxArchiveMembers: 3 }));
    expectCode(error, "archive_limits", /more than 3 files \(extract\.maxArchiveMembers\)/);
  });

  it("nesting_depth: an attachment deeper than maxDepth", async () => {
    const error = await failure("inner.txt", "text", testConfig({ maxDepth: 2 }), 3);
    expectCode(error, "nesting_depth", /nested 3 levels deep, more than extract\.maxDepth 2/);
    const file = await scratch.write("ok-depth.txt", "text at the limit");
    expect(
      (await extractFile({ path: file, name: "ok-depth.txt", depth: 2 }, testConfig({ maxDepth: 2 }))).text,
    ).toBe("text at the limit");
  });

  it("corrupt: a PDF that is not one", async () => {
    const error = await failure("broken.pdf", "%PDF-1.7\n this is not a real PDF body \n%%EOF");
    expectCode(
      error,
      "corrupt",
      /^PDF file is damaged or not what it claims to be .*: re-export or re-download it$/,
    );
    expect(error.type?.kind).toBe("pdf");
  });

  it("corrupt: a truncated PDF", async () => {
    const pdf = textPdf(["Truncated"]);
    const error = await failure("truncated.pdf", pdf.subarray(0, 60));
    expect(error.code).toBe("corrupt");
  });

  it("corrupt: a PNG cut off after its header (and the OCR engine keeps working)", async () => {
    const broken = new Uint8Array([...pngHeader(800, 600), ...new Uint8Array(64).fill(7)]);
    const error = await failure("broken.png", broken);
    expect(error.code).toBe("corrupt");
    expect(error.type?.kind).toBe("png");
    const good = await scratch.write("good.png", await png(["Still reading 1357"]));
    expect((await extractFile({ path: good, name: "good.png" }, testConfig())).text).toContain("1357");
  });

  it("encrypted: a PDF that needs a password", async () => {
    const error = await failure("locked.pdf", encryptedPdf());
    expectCode(error, "encrypted", /PDF is password-protected: save an unprotected copy/);
  });

  it("unsupported_type: a Windows executable, with what docsort does read", async () => {
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, ...new Array(300).fill(0)]);
    const error = await failure("setup.exe", exe);
    expectCode(
      error,
      "unsupported_type",
      /^unsupported type application\/x-msdownload \(\.exe\): docsort reads PDF, Word/,
    );
  });

  it("unsupported_type: unknown binary content", async () => {
    const error = await failure("blob.dat", new Uint8Array([0, 1, 2, 3, 0xfe, 0, 0x10, 0x80, 0x7f, 0]));
    expectCode(error, "unsupported_type", /^unsupported type application\/octet-stream \(\.dat\)/);
  });

  it("unsupported_type: RTF names what to do", async () => {
    const error = await failure("letter.rtf", "{\\rtf1\\ansi Hello}");
    expectCode(error, "unsupported_type", /application\/rtf \(\.rtf\).*save it as DOCX or PDF/);
  });

  it("unsupported_type: a Word 97-2003 .doc says to save it as DOCX", async () => {
    const cfb = new Uint8Array(1024);
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const error = await failure("old.doc", cfb);
    expectCode(error, "unsupported_type", /application\/msword \(\.doc\).*save it as DOCX or PDF/);
  });

  it("unsupported_type: AVIF (no memory-safe decoder) says what to convert it to", async () => {
    const avif = new Uint8Array([
      0,
      0,
      0,
      0x1c,
      0x66,
      0x74,
      0x79,
      0x70,
      0x61,
      0x76,
      0x69,
      0x66,
      0,
      0,
      0,
      0,
      0x61,
      0x76,
      0x69,
      0x66,
      0x6d,
      0x69,
      0x66,
      0x31,
      0x6d,
      0x69,
      0x61,
      0x66,
      ...new Array(64).fill(0),
    ]);
    const error = await failure("photo.avif", avif);
    expectCode(error, "unsupported_type", /image\/avif \(\.avif\).*convert it to JPEG or PNG/);
  });

  it("unreadable: the file vanished before it was read", async () => {
    const error = await extractFile(
      { path: path.join(scratch.dir, "missing.pdf"), name: "missing.pdf" },
      testConfig(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unreadable", message: expect.stringMatching(/^file not found: /) });
  });
});

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { READ_AT_ONCE_BYTES } from "../../src/extract/read-small-file.js";
import { inspectFile } from "../../src/intake/inspect-file.js";
import { tempDir } from "../support/temp-dir.js";

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

// a small file is read with blocking calls, a larger one asynchronously: both must say the same things
describe.each([
  ["a small file (read at once)", 1000],
  ["a file over READ_AT_ONCE_BYTES (read asynchronously)", READ_AT_ONCE_BYTES + 4097],
])("inspectFile, %s", (_, size) => {
  it("hashes it and reports its size, mtime and links", async () => {
    const content = Buffer.alloc(size, "docsort ");
    const file = path.join(dir.path, "doc.txt");
    writeFileSync(file, content);
    const inspected = await inspectFile(file, 10 * 1024 * 1024);
    expect(inspected).toMatchObject({ kind: "file", path: file, size, sha256: sha256(content), links: 1 });
  });

  it("refuses it unread when it is over the size limit", async () => {
    const file = path.join(dir.path, "doc.txt");
    writeFileSync(file, Buffer.alloc(size, "x"));
    expect(await inspectFile(file, size - 1)).toMatchObject({ kind: "problem", code: "too_large" });
  });

  it("never follows a symbolic link to it", async () => {
    const target = path.join(dir.path, "target.txt");
    writeFileSync(target, Buffer.alloc(size, "x"));
    const link = path.join(dir.path, "link.txt");
    symlinkSync(target, link);
    expect(await inspectFile(link, 10 * 1024 * 1024)).toMatchObject({ kind: "problem", code: "symlink" });
  });
});

describe("inspectFile", () => {
  it("records a FIFO without opening it, and a missing file as gone", async () => {
    const fifo = path.join(dir.path, "pipe.pdf");
    execFileSync("mkfifo", [fifo]);
    expect(await inspectFile(fifo, 1024)).toMatchObject({ kind: "problem", code: "special_file" });
    expect(await inspectFile(path.join(dir.path, "nothing.txt"), 1024)).toEqual({ kind: "gone" });
  });
});

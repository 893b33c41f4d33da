import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { READ_AT_ONCE_BYTES, readSmallFile } from "../../src/extract/read-small-file.js";
import { tempDir } from "../support/temp-dir.js";

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const write = (name: string, bytes: Buffer) => {
  const file = path.join(dir.path, name);
  writeFileSync(file, bytes);
  return file;
};

describe("readSmallFile", () => {
  it("reads an empty, a small and a largest-small file whole", () => {
    for (const size of [0, 1, 5000, READ_AT_ONCE_BYTES]) {
      const content = Buffer.alloc(size, "abc");
      const read = readSmallFile(write(`f${size}`, content), 10 * 1024 * 1024);
      expect(read.bytes?.equals(content)).toBe(true);
      expect(read.opened.size).toBe(size);
      expect(read.after.size).toBe(size);
    }
  });

  it("reads nothing of a file over READ_AT_ONCE_BYTES, and says how large it is", () => {
    const read = readSmallFile(write("big", Buffer.alloc(READ_AT_ONCE_BYTES + 1)), 10 * 1024 * 1024);
    expect(read.bytes).toBeUndefined();
    expect(read.opened.size).toBe(READ_AT_ONCE_BYTES + 1);
  });

  it("stops one byte past the limit", () => {
    const read = readSmallFile(write("over", Buffer.alloc(3000, "x")), 1000);
    expect(read.bytes?.length).toBe(3000);
    // the limit bounds what is read past the size the file had when opened
    expect(read.opened.size).toBe(3000);
  });

  it("refuses a symbolic link (ELOOP) and opens a FIFO without reading or blocking", () => {
    const target = write("target", Buffer.from("secret"));
    const link = path.join(dir.path, "link");
    symlinkSync(target, link);
    expect(() => readSmallFile(link, 1000)).toThrow(expect.objectContaining({ code: "ELOOP" }));
    const fifo = path.join(dir.path, "pipe");
    execFileSync("mkfifo", [fifo]);
    const read = readSmallFile(fifo, 1000);
    expect(read.opened.isFIFO()).toBe(true);
    expect(read.bytes).toBeUndefined();
  });

  it("throws ENOENT for a missing file", () => {
    expect(() => readSmallFile(path.join(dir.path, "nothing"), 1000)).toThrow(
      expect.objectContaining({ code: "ENOENT" }),
    );
  });
});

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FileOps, placeFile, SCRATCH_NAME } from "../../src/handlers/file-placement.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir("docsort-place-");
});
afterEach(() => dir.cleanup());

function source(name: string, content: string): { file: string; sha256: string } {
  const file = path.join(dir.path, "inbox", name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return { file, sha256: createHash("sha256").update(content).digest("hex") };
}

const root = () => path.join(dir.path, "filed");

describe("placeFile", () => {
  it("never files through a link: not a linked file, not a file reached through a linked folder", async () => {
    const outside = path.join(dir.path, "outside");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "bank.pdf"), "a file outside the inbox");
    const inbox = path.join(dir.path, "inbox");
    mkdirSync(inbox, { recursive: true });
    symlinkSync(outside, path.join(inbox, "linked"));
    symlinkSync(path.join(outside, "bank.pdf"), path.join(inbox, "bank-link.pdf"));
    const sha256 = createHash("sha256").update("a file outside the inbox").digest("hex");
    for (const source of [path.join(inbox, "linked", "bank.pdf"), path.join(inbox, "bank-link.pdf")]) {
      await expect(
        placeFile({
          source,
          sha256,
          root: root(),
          relativePath: "x/bank.pdf",
          mode: "move",
          sourceRoot: inbox,
        }),
      ).rejects.toThrow(/link/);
    }
    expect(readFileSync(path.join(outside, "bank.pdf"), "utf8")).toBe("a file outside the inbox");
    expect(existsSync(root())).toBe(false);
  });

  it("records a cross-filesystem copy's temporary file before creating it, and forgets it once it is gone", async () => {
    const a = source("a.pdf", "content copied across filesystems");
    const seen: string[] = [];
    const ops: FileOps = {
      link: async (existing, target) => {
        // like a link across filesystems, for the source; the temporary file is linked for real
        if (existing === a.file) throw Object.assign(new Error("EXDEV"), { code: "EXDEV" });
        const { link } = await import("node:fs/promises");
        expect(existsSync(existing)).toBe(true);
        await link(existing, target);
      },
      registerScratch: (file) => {
        expect(path.basename(file)).toMatch(SCRATCH_NAME);
        expect(existsSync(file)).toBe(false);
        seen.push(`register ${path.basename(file)}`);
      },
      forgetScratch: (file) => {
        expect(existsSync(file)).toBe(false);
        seen.push(`forget ${path.basename(file)}`);
      },
    };
    const placed = await placeFile(
      { source: a.file, sha256: a.sha256, root: root(), relativePath: "x/a.pdf", mode: "move" },
      ops,
    );
    expect(placed.method).toBe("copy");
    expect(seen).toHaveLength(2);
    expect(seen[0]?.replace("register", "forget")).toBe(seen[1]);
    expect(existsSync(a.file)).toBe(false);
  });

  it("copies without ever overwriting: a taken name gets a suffix", async () => {
    const a = source("a.pdf", "first");
    const b = source("b.pdf", "second");
    const first = await placeFile({
      source: a.file,
      sha256: a.sha256,
      root: root(),
      relativePath: "x/doc.pdf",
      mode: "copy",
    });
    const second = await placeFile({
      source: b.file,
      sha256: b.sha256,
      root: root(),
      relativePath: "x/doc.pdf",
      mode: "copy",
    });
    expect(first.path).toBe(path.join(root(), "x/doc.pdf"));
    expect(second.path).toBe(path.join(root(), "x/doc-1.pdf"));
    expect(readFileSync(first.path, "utf8")).toBe("first");
    expect(readFileSync(second.path, "utf8")).toBe("second");
    expect(existsSync(a.file)).toBe(true);
    expect(readdirSync(path.join(root(), "x")).sort()).toEqual(["doc-1.pdf", "doc.pdf"]);
  });

  it("a repeated attempt finds its own earlier copy and writes nothing new", async () => {
    const a = source("a.pdf", "same");
    const request = {
      source: a.file,
      sha256: a.sha256,
      root: root(),
      relativePath: "doc.pdf",
      mode: "copy" as const,
    };
    await placeFile(request);
    const again = await placeFile(request);
    expect(again).toMatchObject({ reused: true, path: path.join(root(), "doc.pdf") });
    expect(readdirSync(root())).toEqual(["doc.pdf"]);
  });

  it("moves on the same filesystem with a link, and removes the original", async () => {
    const a = source("a.pdf", "move me");
    const placed = await placeFile({
      source: a.file,
      sha256: a.sha256,
      root: root(),
      relativePath: "m.pdf",
      mode: "move",
    });
    expect(placed.method).toBe("link");
    expect(existsSync(a.file)).toBe(false);
    expect(readFileSync(placed.path, "utf8")).toBe("move me");
  });

  it("across filesystems a move copies, verifies the hash, then removes the original", async () => {
    const crossDevice: FileOps = {
      link: async (existing, target) => {
        if (existing.includes(`${path.sep}inbox${path.sep}`)) {
          throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
        }
        const { link } = await import("node:fs/promises");
        await link(existing, target);
      },
    };
    const a = source("a.pdf", "far away");
    const placed = await placeFile(
      { source: a.file, sha256: a.sha256, root: root(), relativePath: "m.pdf", mode: "move" },
      crossDevice,
    );
    expect(placed.method).toBe("copy");
    expect(existsSync(a.file)).toBe(false);
    expect(readFileSync(placed.path, "utf8")).toBe("far away");
    expect(readdirSync(root())).toEqual(["m.pdf"]);
  });

  it("keeps the original when the copy does not match the hash (the file changed)", async () => {
    const a = source("a.pdf", "changed since intake");
    await expect(
      placeFile({
        source: a.file,
        sha256: "0".repeat(64),
        root: root(),
        relativePath: "m.pdf",
        mode: "copy",
      }),
    ).rejects.toThrow(/does not match its content hash/);
    expect(existsSync(a.file)).toBe(true);
    expect(readdirSync(root())).toEqual([]);
  });

  it("refuses a folder below root that is a symlink to elsewhere", async () => {
    mkdirSync(root(), { recursive: true });
    const outside = path.join(dir.path, "outside");
    mkdirSync(outside);
    symlinkSync(outside, path.join(root(), "link"));
    const a = source("a.pdf", "x");
    await expect(
      placeFile({ source: a.file, sha256: a.sha256, root: root(), relativePath: "link/a.pdf", mode: "copy" }),
    ).rejects.toThrow(/outside the root/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

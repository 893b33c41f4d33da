import { describe, expect, it } from "vitest";
import { createIgnoreMatcher } from "../../src/intake/ignore-rules.js";

describe("ignore rules", () => {
  const ignored = createIgnoreMatcher(["*.bak", "scan-??.raw"]);
  it.each([
    "report.pdf.part",
    "video.crdownload",
    "upload.tmp",
    ".invoice.pdf.swp",
    "~$contract.docx",
    ".DS_Store",
    ".hidden.pdf",
    "Thumbs.db",
    "desktop.ini",
    "notes.txt~",
    "old.bak",
    "scan-01.raw",
    "/inbox/sub/file.partial",
  ])("ignores %s", (name) => {
    expect(ignored(name)).toBe(true);
  });

  it.each([
    "invoice.pdf",
    "Rechnung März.PDF",
    "mail.eml",
    "scan-001.raw",
    "tmp-notes.txt",
    "part.pdf",
    "/inbox/.x/../a.pdf",
  ])("takes %s", (name) => {
    expect(ignored(name)).toBe(false);
  });
});

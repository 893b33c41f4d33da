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
    // editors' autosave, swap and lock files (field report 8)
    "#Rechnung.txt#",
    "08-#emacs-autosave.txt#",
    ".#Rechnung.txt",
    "Rechnung.txt.kate-swp",
    ".Rechnung.txt.swo",
    "Rechnung.txt.swn",
    "4913",
    "5036",
    ".goutputstream-X1B2C3",
    ".~lock.Rechnung.odt#",
    "~lock.Rechnung.odt#",
    "Rechnung.txt___jb_tmp___",
    "upload.crswap",
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
    "4914",
    "2025",
    "Invoice #42.pdf",
    "movie.swf",
    "Rechnung #1 von #2.pdf",
  ])("takes %s", (name) => {
    expect(ignored(name)).toBe(false);
  });
});

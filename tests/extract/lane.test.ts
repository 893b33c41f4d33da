import { describe, expect, it } from "vitest";
import { LIGHT_MAX_BYTES, laneOf } from "../../src/extract/lane.js";

describe("laneOf", () => {
  it("reads small plain-text files in the daemon and everything else in the extraction processes", () => {
    for (const name of ["note.txt", "README.md", "table.CSV", "data.json", "feed.xml", "run.log"])
      expect(laneOf(name, 2_000), name).toBe("light");
    for (const name of [
      "scan.pdf",
      "photo.jpg",
      "letter.docx",
      "mail.eml",
      "page.html",
      "bundle.zip",
      "noext",
    ])
      expect(laneOf(name, 2_000), name).toBe("heavy");
    expect(laneOf("huge.txt", LIGHT_MAX_BYTES + 1)).toBe("heavy");
    expect(laneOf("edge.txt", LIGHT_MAX_BYTES)).toBe("light");
  });
});

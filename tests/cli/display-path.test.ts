import { describe, expect, it } from "vitest";
import { displayPath, pathInInbox } from "../../src/cli/commands/list.js";

describe("pathInInbox", () => {
  it("shows every path as displayPath does", () => {
    const paths = [
      "/home/me/inbox/a.pdf",
      "/home/me/inbox/2025/März/b.pdf",
      "/home/me/inbox",
      "/home/me/inbox/",
      "/home/me/inbox2/c.pdf",
      "/home/me/inbo",
      "/home/me/other/d.pdf",
      "/home/me/inbox/../e.pdf",
      "/home/me/inbox//f.pdf",
      "/home/me/inbox/..g.pdf",
      "/home/me/inbox/./h.pdf",
      "relative/i.pdf",
      "/",
    ];
    for (const inbox of ["/home/me/inbox", "/home/me/inbox/", "/"]) {
      const shown = pathInInbox(inbox);
      for (const p of paths) expect([inbox, p, shown(p)]).toEqual([inbox, p, displayPath(inbox, p)]);
    }
  });
});

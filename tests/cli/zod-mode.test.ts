import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { chooseZodMode } from "../../src/cli/zod-mode.js";

afterEach(() => {
  z.config({ jitless: false });
});

describe("chooseZodMode", () => {
  it("parses without compiling for one-shot commands, global options and `help X` included", async () => {
    for (const argv of [
      ["list", "--limit", "5"],
      ["--config", "c.json", "stats"],
      ["invoices", "list"],
    ]) {
      z.config({ jitless: false });
      expect(await chooseZodMode(argv)).toBe("jitless");
      expect(z.config().jitless).toBe(true);
    }
  });

  it("keeps compiled parsers for the daemon and the review app, and loads nothing for --help", async () => {
    for (const argv of [["watch", "--once"], ["--home", "h", "serve"], ["--help"], ["--version"], []]) {
      expect(await chooseZodMode(argv)).not.toBe("jitless");
      expect(z.config().jitless).not.toBe(true);
    }
  });

  it("gives the same results and errors both ways", () => {
    const schema = z.object({
      limit: z.coerce.number().int().positive().optional(),
      status: z.enum(["a", "b"]),
    });
    const inputs = [
      { limit: "5", status: "a" },
      { limit: "-1", status: "c" },
      { status: "b", extra: 1 },
    ];
    const jit = inputs.map((input) => schema.safeParse(input));
    z.config({ jitless: true });
    const fresh = z.object({
      limit: z.coerce.number().int().positive().optional(),
      status: z.enum(["a", "b"]),
    });
    const jitless = inputs.map((input) => fresh.safeParse(input));
    expect(JSON.stringify(jitless)).toBe(JSON.stringify(jit));
  });
});

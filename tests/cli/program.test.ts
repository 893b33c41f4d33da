import { describe, expect, it } from "vitest";
import { invokedCommand } from "../../src/cli/command-path.js";
import { buildFullProgram, buildProgram } from "../../src/cli/program.js";

describe("the CLI program", () => {
  it.each([
    [["list", "--json"], "list"],
    [["--config", "x.json", "--home", "h", "show", "3"], "show"],
    [["-v", "handlers", "add", "x"], "handlers"],
    [["help", "watch"], "watch"],
    [["--help"], undefined],
    [[], undefined],
  ])("finds the command in %j", (argv, expected) => {
    expect(invokedCommand(argv)).toBe(expected);
  });

  it("registers every command fully, once, each with a description", async () => {
    const program = await buildFullProgram();
    const names = program.commands.map((c) => c.name());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        "watch",
        "classify",
        "extract",
        "list",
        "show",
        "review",
        "accept",
        "set",
        "undo",
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining(["handlers", "runs", "retry", "invoices", "doctor", "config", "eval"]),
    );
    for (const command of program.commands) expect(command.description(), command.name()).not.toBe("");
  });

  it("loads only the command that runs; the others are listed for --help", async () => {
    const program = await buildProgram(["list"]);
    const list = program.commands.find((c) => c.name() === "list");
    const watch = program.commands.find((c) => c.name() === "watch");
    expect(list?.options.map((o) => o.long)).toContain("--json");
    expect(watch?.options).toEqual([]);
    expect(program.helpInformation()).toMatch(/watch\s+watch the inbox/);
  });
});

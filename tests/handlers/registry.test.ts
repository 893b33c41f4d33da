import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createHandlerRegistry, HandlerRegistry } from "../../src/handlers/index.js";
import { webhookKind } from "../../src/handlers/kinds/webhook.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const README = path.join(repo, "README.md");
const kinds = createHandlerRegistry().all();

describe("the handler registry", () => {
  it("lists every kind once and refuses a duplicate name", () => {
    expect(kinds.map((k) => k.name)).toEqual(["invoice", "move", "copy", "webhook", "command"]);
    expect(() => new HandlerRegistry([webhookKind, webhookKind])).toThrow(/registered twice/);
  });

  it.each(kinds.map((k) => [k.name, k] as const))(
    "%s has an example config that validates",
    (_name, kind) => {
      expect(kind.configSchema.safeParse(kind.exampleConfig).success).toBe(true);
    },
  );

  it.each(kinds.map((k) => [k.name] as const))("%s has a contract test", (name) => {
    const dir = path.join(repo, "tests/handlers/kinds");
    const files = readdirSync(dir).map((file) => readFileSync(path.join(dir, file), "utf8"));
    expect(
      files.some(
        (text) =>
          text.includes(`handlerContract(${name}Kind`) ||
          (text.includes(`[moveKind, copyKind]`) && ["move", "copy"].includes(name)),
      ),
    ).toBe(true);
  });

  it.each(kinds.map((k) => [k.name] as const))("%s is documented in the README", (name) => {
    expect(readFileSync(README, "utf8")).toMatch(new RegExp(`^#{2,5} \`${name}\``, "m"));
  });
});

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../../src/handlers/handler-event.js";
import { HandlerFailure } from "../../../src/handlers/handler-kind.js";
import { commandKind } from "../../../src/handlers/kinds/command.js";
import { liveEffects } from "../../../src/handlers/live-effects.js";
import { addDocument, type Fixture, openFixture, services } from "../fixtures.js";
import { handlerContract } from "../handler-contract.js";

handlerContract(commandKind, {
  config: () => ({ command: "/nonexistent/program", args: ["--flag"] }),
  invalid: [
    [{ command: "" }, "command"],
    [{ command: "notify-send --urgent" }, "command"],
    [{ command: "x", args: "a b" }, "args"],
    [{ command: "x", env: { "BAD-NAME": "1" } }, "env.BAD-NAME"],
  ],
});

let fixture: Fixture;
beforeEach(() => {
  fixture?.cleanup();
  fixture = openFixture();
});

function script(body: string): string {
  const file = path.join(fixture.dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, body);
  return file;
}

async function run(config: Record<string, unknown>, outputMaxChars = 4000) {
  const document =
    fixture.store.documents.get(1) ??
    addDocument(fixture, {
      name: "letter; rm -rf ~.txt",
      text: "Dear Sir\n$(touch pwned)",
      category: "letter",
    });
  const event = buildEvent(fixture.store, {
    trigger: "document.classified",
    handler: "cmd",
    documentId: document.id,
    invoiceId: null,
    classificationId: null,
    category: "letter",
    deliveryId: "c".repeat(64),
    runId: 3,
    attempt: 1,
    redelivery: false,
    occurredAt: "2025-05-01T10:00:00.000Z",
  });
  return commandKind.run({
    config: commandKind.configSchema.parse(config),
    event,
    effects: liveEffects(fixture.store, "cmd"),
    services: services(fixture, { outbox: { outputMaxChars } }),
    signal: new AbortController().signal,
  });
}

async function failure(config: Record<string, unknown>): Promise<HandlerFailure> {
  try {
    await run(config);
  } catch (error) {
    if (error instanceof HandlerFailure) return error;
    throw error;
  }
  throw new Error("the command did not fail");
}

describe("command", () => {
  it("gets only the allow-listed environment: never docsort's secrets, only what passEnv names", async () => {
    process.env.DOCSORT_WEBHOOK_SECRET = "a-webhook-secret-of-docsort";
    process.env.SOME_API_TOKEN = "token-the-program-needs";
    try {
      const file = script(`console.log(JSON.stringify(process.env));`);
      const outcome = await run({
        command: process.execPath,
        args: [file],
        env: { EXTRA: "configured" },
        passEnv: ["SOME_API_TOKEN"],
      });
      const env = JSON.parse(outcome.output?.replace(/^stdout:\n/, "") ?? "{}") as Record<string, string>;
      expect(env.DOCSORT_WEBHOOK_SECRET).toBeUndefined();
      expect(env.SOME_API_TOKEN).toBe("token-the-program-needs");
      expect(env.EXTRA).toBe("configured");
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.DOCSORT_DELIVERY).toBe("c".repeat(64));
      expect(env.DOCSORT_REDELIVERY).toBe("false");
      const unexpected = Object.keys(env).filter(
        (key) =>
          !/^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|EXTRA|SOME_API_TOKEN|DOCSORT_[A-Z_0-9]+)$/.test(
            key,
          ),
      );
      expect(unexpected).toEqual([]);
    } finally {
      delete process.env.DOCSORT_WEBHOOK_SECRET;
      delete process.env.SOME_API_TOKEN;
    }
  });

  it("passes the event JSON on stdin and DOCSORT_* variables, argv as given, and captures stdout", async () => {
    const file = script(`
      import { readFileSync } from "node:fs";
      const event = JSON.parse(readFileSync(0, "utf8"));
      console.log(JSON.stringify({ argv: process.argv.slice(2), event: event.event, name: event.document.fileName,
        env: [process.env.DOCSORT_EVENT, process.env.DOCSORT_DOCUMENT_ID, process.env.DOCSORT_CATEGORY, process.env.DOCSORT_DELIVERY, process.env.EXTRA] }));
    `);
    const outcome = await run({
      command: process.execPath,
      args: [file, "$(touch pwned)", "a b"],
      env: { EXTRA: "x" },
    });
    const printed = JSON.parse((outcome.output ?? "").replace(/^stdout:\n/, "").trim());
    expect(printed).toEqual({
      argv: ["$(touch pwned)", "a b"],
      event: "document.classified",
      name: "letter; rm -rf ~.txt",
      env: ["document.classified", "1", "letter", "c".repeat(64), "x"],
    });
    expect(existsSync(path.join(fixture.dir, "pwned"))).toBe(false);
    expect(existsSync("pwned")).toBe(false);
  });

  it("a non-zero exit is a failure that is retried, with stderr kept", async () => {
    const error = await failure({
      command: process.execPath,
      args: [script('console.error("disk full"); process.exit(4);')],
    });
    expect(error).toMatchObject({ retry: true });
    expect(error.message).toMatch(/exited with 4: disk full/);
    expect(error.output).toContain("stderr:\ndisk full");
  });

  it("a program that runs too long is stopped and retried", async () => {
    const error = await failure({
      command: process.execPath,
      args: [script("setInterval(() => {}, 1000);")],
      timeoutMs: 300,
    });
    expect(error).toMatchObject({ retry: true });
    expect(error.message).toContain("did not finish within 300 ms");
  });

  it("a program that does not exist is dead at once", async () => {
    const error = await failure({ command: "/nonexistent/docsort-test-program" });
    expect(error).toMatchObject({ retry: false });
    expect(error.message).toMatch(/cannot run .*ENOENT/);
  });

  it("caps the output it keeps", async () => {
    const outcome = await run(
      { command: process.execPath, args: [script('process.stdout.write("x".repeat(5000));')] },
      100,
    );
    expect(outcome.output).toMatch(/x{100}\n\[… 4900 more characters not kept\]/);
  });

  it("does not need the program to read stdin", async () => {
    const marker = path.join(fixture.dir, "ran");
    await run({
      command: process.execPath,
      args: [
        script(`import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "1");`),
      ],
    });
    expect(readFileSync(marker, "utf8")).toBe("1");
  });
});

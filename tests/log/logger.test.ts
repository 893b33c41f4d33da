import { mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.js";
import { redactConfig, redactSecrets } from "../../src/log/redact.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

describe("logger", () => {
  it("never throws when the log cannot be written (disk full): one line on stderr, the rest dropped", () => {
    const logs = path.join(dir.path, "logs");
    mkdirSync(logs);
    // /dev/full answers every write with ENOSPC, as a full disk does
    symlinkSync("/dev/full", path.join(logs, "docsort.log"));
    const err = capture();
    const logger = createLogger({
      file: path.join(logs, "docsort.log"),
      level: "info",
      console: true,
      stderr: err.stream,
    });
    for (let i = 0; i < 20; i += 1) logger.info(`line ${i}`);
    logger.error("something failed");
    expect(err.text().match(/cannot write the log .*ENOSPC/g)).toHaveLength(1);
    expect(err.text()).toContain("docsort: error: something failed");
  });

  it("creates the log owner-only and masks credentials in every line", () => {
    const file = path.join(dir.path, "logs", "docsort.log");
    const logger = createLogger({ file, level: "info", stderr: capture().stream });
    logger.info("POST https://user:hunter2@example.com/hook?token=abc123&x=1 failed");
    const line = readFileSync(file, "utf8");
    expect(line).toContain("https://***@example.com/hook?token=***&x=1");
    expect(line).not.toContain("hunter2");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });
});

describe("redaction", () => {
  it("masks secret values at any depth and credentials in URLs, and keeps the names of variables", () => {
    expect(
      redactConfig({
        url: "https://a:b@h.example/x",
        secret: "0123456789abcdef",
        secretEnv: "DOCSORT_WEBHOOK_SECRET",
        headers: { authorization: "Bearer t0k", "x-api-key": "k", accept: "text/plain" },
        env: { GITHUB_TOKEN: "ghp_x", MODE: "fast" },
      }),
    ).toEqual({
      url: "https://***@h.example/x",
      secret: "***",
      secretEnv: "DOCSORT_WEBHOOK_SECRET",
      headers: { authorization: "***", "x-api-key": "***", accept: "text/plain" },
      env: { GITHUB_TOKEN: "***", MODE: "fast" },
    });
    expect(redactSecrets("see http://x.example/?api_key=s3cr3t and ftp://u@h/")).toBe(
      "see http://x.example/?api_key=*** and ftp://***@h/",
    );
  });
});

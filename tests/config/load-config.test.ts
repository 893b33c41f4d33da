import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig, normaliseOllamaHost } from "../../src/config/load-config.js";
import { loadReadingConfig } from "../../src/config/load-reading-config.js";
import { readingModelConfigSchema } from "../../src/config/reading-model-schema.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function writeConfig(value: unknown, name = "docsort.config.json"): string {
  const file = path.join(dir.path, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("needs no file: every key has a default", () => {
    const config = loadConfig({}, {}, dir.path);
    expect(config.source).toBeUndefined();
    expect(config.home).toBe(path.join(dir.path, ".docsort"));
    expect(config.inbox).toBe(path.join(dir.path, "inbox"));
    expect(config.model).toMatchObject({ host: "http://127.0.0.1:11434", name: "llama3.2", numCtx: 8192 });
    expect(config.model.temperature).toBe(0);
    expect(config.intake).toMatchObject({ stableMs: 1000, rescanIntervalMs: 60_000, usePolling: false });
    expect(config.extract.minChars).toBe(20);
    expect(config.review.minConfidence).toBe(0.7);
    expect(config.taxonomy.map((c) => c.name)).toEqual([
      "invoice",
      "receipt",
      "purchase_order",
      "contract",
      "resume",
      "bank_statement",
      "letter",
      "other",
    ]);
    expect(config.taxonomy.every((c) => c.description.length > 20)).toBe(true);
  });

  it("reads ./docsort.config.json and resolves its paths relative to the file", () => {
    writeConfig({ home: "data", inbox: "../shared-inbox", model: { numCtx: 4096 } });
    const config = loadConfig({}, {}, dir.path);
    expect(config.source).toBe(path.join(dir.path, "docsort.config.json"));
    expect(config.home).toBe(path.join(dir.path, "data"));
    expect(config.inbox).toBe(path.resolve(dir.path, "../shared-inbox"));
    expect(config.model.numCtx).toBe(4096);
    expect(config.model.numPredict).toBe(512);
  });

  it("environment beats the file, flags beat the environment", () => {
    writeConfig({ home: "from-file", model: { name: "from-file", host: "http://file:1" } });
    const env = {
      OLLAMA_HOST: "gpu-box",
      DOCSORT_MODEL: "qwen2.5:7b",
      DOCSORT_HOME: "env-home",
      DOCSORT_INBOX: "env-in",
    };
    const config = loadConfig({ inbox: "flag-in" }, env, dir.path);
    expect(config.model.host).toBe("http://gpu-box:11434");
    expect(config.model.name).toBe("qwen2.5:7b");
    expect(config.home).toBe(path.join(dir.path, "env-home"));
    expect(config.inbox).toBe(path.join(dir.path, "flag-in"));
  });

  it("reads the file given by --config, and refuses one that does not exist", () => {
    const file = writeConfig({ model: { parallel: 2 } }, "custom.json");
    expect(loadConfig({ configPath: file }, {}, "/").model.parallel).toBe(2);
    const error = loadError(() => loadConfig({ configPath: "missing.json" }, {}, dir.path));
    expect(error.message).toContain("missing.json: config file not found");
    expect(error.exitCode).toBe(2);
  });

  it("names the file, the key path, what is expected and what it got", () => {
    const file = writeConfig({ model: { numCtx: "big" }, review: { minConfidence: 3 } });
    const error = loadError(() => loadConfig({}, {}, dir.path));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/model\.numCtx: .*number.* \(got "big"\)/);
    expect(error.message).toMatch(/review\.minConfidence: .*<=1.* \(got 3\)/);
  });

  it("refuses unknown keys, so a typo does not pass silently", () => {
    writeConfig({ modle: { name: "x" } });
    expect(loadError(() => loadConfig({}, {}, dir.path)).message).toMatch(/modle/);
  });

  it("refuses a taxonomy with a duplicate or malformed category", () => {
    writeConfig({
      taxonomy: [
        { name: "invoice", description: "a" },
        { name: "invoice", description: "b" },
      ],
    });
    expect(loadError(() => loadConfig({}, {}, dir.path)).message).toContain(
      'taxonomy.1.name: duplicate category "invoice"',
    );
    writeConfig({
      taxonomy: [
        { name: "Invoice!", description: "a" },
        { name: "b", description: "b" },
      ],
    });
    expect(loadError(() => loadConfig({}, {}, dir.path)).message).toContain("taxonomy.0.name");
  });

  it("reports JSON syntax errors with the file", () => {
    const file = writeConfig("{ model: ");
    expect(loadError(() => loadConfig({}, {}, dir.path)).message).toContain(`${file}: not valid JSON`);
  });
});

describe("normaliseOllamaHost", () => {
  it.each([
    ["localhost", "http://localhost:11434"],
    ["0.0.0.0", "http://127.0.0.1:11434"],
    ["10.0.0.5:8080", "http://10.0.0.5:8080"],
    ["http://box:11434/", "http://box:11434"],
    ["https://ollama.example.org", "https://ollama.example.org"],
    ["http://box:80", "http://box"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseOllamaHost(input)).toBe(expected);
  });
});

describe("loadReadingConfig (list, show, stats, invoices list)", () => {
  it("resolves the keys it reads exactly as loadConfig does", () => {
    writeConfig({
      home: "data",
      inbox: "in",
      prompts: "my-prompts",
      model: { hosts: [{ url: "http://10.0.0.2:11434/", parallel: 2 }] },
      taxonomy: [
        { name: "invoice", description: "bills" },
        { name: "other", description: "the rest" },
      ],
      outbox: { concurrency: 3 },
    });
    const env = { OLLAMA_HOST: "10.0.0.9", DOCSORT_INBOX: "elsewhere" };
    const full = loadConfig({ home: "flag-home" }, env, dir.path);
    const reading = loadReadingConfig({ home: "flag-home" }, env, dir.path);
    for (const key of ["home", "inbox", "prompts", "taxonomy", "source", "inboxNamedBy"] as const)
      expect(reading[key]).toEqual(full[key]);
    expect(reading).not.toHaveProperty("outbox");
    expect(reading).not.toHaveProperty("model");
    const withModel = loadReadingConfig({ home: "flag-home" }, env, dir.path, readingModelConfigSchema);
    for (const key of ["home", "inbox", "prompts", "taxonomy", "model", "source", "inboxNamedBy"] as const)
      expect(withModel[key]).toEqual(full[key]);
  });

  it("reads the store despite a mistake in a key it does not use, and refuses one in a key it uses", () => {
    writeConfig({ mail: { accounts: "not a list" }, outbox: { concurrency: -1 } });
    expect(() => loadConfig({}, {}, dir.path)).toThrow(ConfigError);
    expect(loadReadingConfig({}, {}, dir.path).home).toBe(path.join(dir.path, ".docsort"));
    writeConfig({ model: { hosts: [] } });
    expect(loadReadingConfig({}, {}, dir.path).home).toBe(path.join(dir.path, ".docsort"));
    expect(loadError(() => loadReadingConfig({}, {}, dir.path, readingModelConfigSchema)).message).toMatch(
      /model\.hosts/,
    );
  });
});

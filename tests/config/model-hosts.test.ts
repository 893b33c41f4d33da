import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir } from "../support/temp-dir.js";

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function load(model: unknown, env: Record<string, string> = {}) {
  const file = path.join(dir.path, "docsort.config.json");
  writeFileSync(file, JSON.stringify({ model }));
  return loadConfig({ configPath: file }, env, dir.path);
}

function refusal(model: unknown): string {
  try {
    load(model);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("model.hosts", () => {
  it("defaults to the one host of OLLAMA_HOST / model.host, with model.parallel", () => {
    expect(loadConfig({}, {}, dir.path).model.hosts).toEqual([
      { url: "http://127.0.0.1:11434", parallel: 1 },
    ]);
    const fromEnv = load({ parallel: 3 }, { OLLAMA_HOST: "gpu-box:11500" });
    expect(fromEnv.model.hosts).toEqual([{ url: "http://gpu-box:11500", parallel: 3 }]);
    expect(fromEnv.model).toMatchObject({ host: "http://gpu-box:11500", parallel: 3 });
  });

  it("takes a list of hosts, each with its own parallel; model.parallel becomes their sum", () => {
    const config = load({
      hosts: [{ url: "http://10.0.0.5:11434/", parallel: 2 }, { url: "https://ollama.example.org" }],
    });
    expect(config.model.hosts).toEqual([
      { url: "http://10.0.0.5:11434", parallel: 2 },
      { url: "https://ollama.example.org", parallel: 1 },
    ]);
    expect(config.model.parallel).toBe(3);
    expect(config.model.host).toBe("http://10.0.0.5:11434");
  });

  it("wins over OLLAMA_HOST and model.host when given", () => {
    const config = load(
      { host: "http://127.0.0.1:9", hosts: [{ url: "http://127.0.0.1:7001", parallel: 4 }] },
      { OLLAMA_HOST: "127.0.0.1:8001" },
    );
    expect(config.model.hosts).toEqual([{ url: "http://127.0.0.1:7001", parallel: 4 }]);
    expect(config.model.host).toBe("http://127.0.0.1:7001");
  });

  it("refuses user names and passwords in a host URL, as in model.host", () => {
    expect(refusal({ hosts: [{ url: "http://admin:secret@10.0.0.5:11434" }] })).toMatch(
      /model\.hosts\.0\.url.*no user name or password/s,
    );
    expect(refusal({ host: "http://admin@10.0.0.5:11434" })).toMatch(
      /model\.host.*no user name or password/s,
    );
  });

  it("refuses what is no http(s) URL, an empty list, duplicates, a bad parallel and unknown keys", () => {
    expect(refusal({ hosts: [{ url: "10.0.0.5:11434" }] })).toMatch(/model\.hosts\.0\.url/);
    expect(refusal({ hosts: [{ url: "ftp://10.0.0.5" }] })).toMatch(/http:\/\/ or https:\/\//);
    expect(refusal({ hosts: [] })).toMatch(/model\.hosts.*at least one host/s);
    expect(refusal({ hosts: [{ url: "http://10.0.0.5:11434" }, { url: "http://10.0.0.5:11434/" }] })).toMatch(
      /model\.hosts\.1\.url.*duplicate host/s,
    );
    expect(refusal({ hosts: [{ url: "http://10.0.0.5:11434", parallel: 0 }] })).toMatch(
      /model\.hosts\.0\.parallel/,
    );
    expect(refusal({ hosts: [{ url: "http://10.0.0.5:11434", slots: 2 }] })).toMatch(/slots/);
    expect(refusal({ hosts: "http://10.0.0.5:11434" })).toMatch(/model\.hosts/);
  });
});

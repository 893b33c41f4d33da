import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DOCSORT_BIN } from "../support/run-docsort.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const version = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version;

describe("the docsort command (package.json bin)", () => {
  it("runs through npm's link, as `npx docsort` does: a node hashbang", async () => {
    expect(readFileSync(DOCSORT_BIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const child = spawn("npm", ["exec", "--offline", "--", "docsort", "--version"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(timer);
    expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: version, stderr: "" });
  });
});

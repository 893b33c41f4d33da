import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../support/run-script.js";
import { tempDir } from "../../support/temp-dir.js";

const module = fileURLToPath(new URL("../../../src/cli/output/direct-output.ts", import.meta.url));
let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => dir?.cleanup());

/** Runs `script` (TypeScript, with writeAll and directOutput in scope) under bash, followed by `rest` (`| reader`). */
async function pipeline(script: string, rest: string) {
  dir = tempDir();
  const file = path.join(dir.path, "writer.mts");
  writeFileSync(file, `import { directOutput, writeAll } from ${JSON.stringify(module)};\n${script}`);
  return runCommand("bash", ["-c", `"${process.execPath}" --import tsx "${file}" ${rest}`], {
    timeoutMs: 60_000,
  });
}

describe("direct output", () => {
  it("writes everything to a pipe another process made non-blocking, waiting while the reader is behind", async () => {
    // process.stdout of a pipe sets O_NONBLOCK on it, as a Node parent sharing its stdout does
    const result = await pipeline(
      `process.stdout;
      const stream = directOutput(1);
      if (!stream) throw new Error("a pipe is written directly");
      const line = "x".repeat(99) + "\\n";
      for (let i = 0; i < 40_000; i += 1) stream.write(line);
      process.stderr.write("written\\n");`,
      "| (sleep 0.5; wc -c)",
    );
    expect(result.stderr).toBe("written\n");
    expect(result.stdout.trim()).toBe("4000000");
    expect(result.code).toBe(0);
  });

  it("ends quietly with exit code 0 when the reader has gone", async () => {
    const result = await pipeline(
      `const line = "y".repeat(99) + "\\n";
      for (let i = 0; i < 100_000; i += 1) writeAll(1, line);
      process.exitCode = 3;`,
      '| head -c 10 >/dev/null; echo "writer exited $PIPESTATUS" >&2', // $PIPESTATUS: the first command's status
    );
    expect(result.stderr).toBe("writer exited 0\n");
  });

  it("leaves terminals and other character devices to Node's streams", async () => {
    const result = await pipeline(
      `process.stderr.write(String(directOutput(1)) + " " + String(directOutput(2) !== undefined) + "\\n");`,
      "2>&1 >/dev/null | cat",
    );
    // stdout is /dev/null (a character device), stderr the pipe to cat
    expect(result.stdout).toBe("undefined true\n");
  });
});

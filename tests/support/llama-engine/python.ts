import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** DOCSORT_PYTHON, then the python3 on PATH, then Debian's (where `apt-get install python3-numpy` puts numpy). */
const CANDIDATES = [process.env.DOCSORT_PYTHON, "python3", "/usr/bin/python3"];

let found: Promise<string> | undefined;

/**
 * A python3 that can import numpy (gguf-py needs it). Rejects with a message that says how to get one.
 */
export function pythonWithNumpy(): Promise<string> {
  found ??= (async () => {
    for (const candidate of CANDIDATES) {
      if (!candidate) continue;
      try {
        await run(candidate, ["-c", "import numpy"]);
        return candidate;
      } catch {
        // try the next one
      }
    }
    throw new Error("no python3 with numpy was found (apt-get install python3-numpy, or set DOCSORT_PYTHON)");
  })();
  return found;
}

/** Runs a Python script with `input` on stdin; resolves stdout, rejects with stderr. */
export function runPython(
  python: string,
  args: string[],
  input: string,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
}

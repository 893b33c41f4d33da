import { fstatSync, writeSync } from "node:fs";
import type { TerminalStream } from "./terminal.js";

/**
 * A command that prints its result and ends writes it to a pipe or file with blocking writes on the file
 * descriptor: creating process.stdout for a pipe loads Node's net and stream modules, ~5 ms of a 0.15 s command.
 * A terminal (or any character device: /dev/null is one too, and only Node can tell them apart cheaply) keeps
 * Node's stream, which knows its width and is already synchronous. Returns undefined for those.
 *
 * A reader that has gone (`docsort list | head`) ends the process at once with exit code 0, as
 * closed-output.ts does for Node's streams. A descriptor another process made non-blocking (a Node parent that
 * shares its own stdout) is waited on when full, never dropped. Source: write(2) (EAGAIN, EPIPE).
 */
export function directOutput(fd: 1 | 2): TerminalStream | undefined {
  let kind: ReturnType<typeof fstatSync>;
  try {
    kind = fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!(kind.isFIFO() || kind.isFile() || kind.isSocket())) return undefined;
  return { write: (text: string) => writeAll(fd, text), isTTY: false };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` (UTF-8) to `fd`, however many writes it takes. */
export function writeAll(fd: number, text: string): true {
  let bytes = Buffer.from(text, "utf8");
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") process.exit(0);
      if (code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 2); // the reader has not caught up: wait 2 ms for room in the pipe
    }
  }
  return true;
}

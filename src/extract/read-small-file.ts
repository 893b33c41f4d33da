import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/**
 * How docsort opens a file it reads: read-only, without following a symbolic link (O_NOFOLLOW: a link swapped in
 * at the last moment fails with ELOOP) and without blocking on a FIFO swapped in (O_NONBLOCK). open(2).
 */
export const OPEN_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Files up to this size are read with blocking calls. Each asynchronous file operation hands its work to libuv's
 * thread pool and wakes the main thread when it is done: 0.06–0.25 ms of the daemon's main thread apiece on a
 * small virtual machine (bench/PROFILE.md §11), where reading a small file from the page cache takes microseconds.
 * Larger files are read asynchronously, so the daemon never stalls on one.
 */
export const READ_AT_ONCE_BYTES = 256 * 1024;

export interface SmallFileRead {
  /** fstat(2) of the opened file before reading. */
  opened: Stats;
  /**
   * The file from offset 0 to its end, at most `limitBytes` + 1 bytes (more means too large); undefined when it is
   * not a regular file or was over READ_AT_ONCE_BYTES when opened: then nothing was read.
   */
  bytes: Buffer | undefined;
  /** fstat(2) after reading: a size or mtime unlike `opened`'s says the file changed meanwhile. */
  after: Stats;
}

/**
 * Opens `path` (OPEN_NO_FOLLOW) and, when it is a small regular file, reads it whole with blocking calls: in one
 * read when it still has its size (the buffer is one byte larger, so the short read says it ended), on to its end
 * if it grew. Throws the error of open, fstat or read (ENOENT, ELOOP for a link, EACCES, …).
 */
export function readSmallFile(path: string, limitBytes: number): SmallFileRead {
  const fd = openSync(path, OPEN_NO_FOLLOW);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.size > READ_AT_ONCE_BYTES)
      return { opened, bytes: undefined, after: opened };
    const chunks: Buffer[] = [];
    let total = 0;
    for (let buffer = Buffer.allocUnsafe(opened.size + 1); ; buffer = Buffer.allocUnsafe(64 * 1024)) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, total);
      if (bytesRead > 0) chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (bytesRead < buffer.length || total > limitBytes) break;
    }
    const bytes = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total);
    return { opened, bytes, after: fstatSync(fd) };
  } finally {
    closeSync(fd);
  }
}

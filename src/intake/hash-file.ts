import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";

/** Largest read buffer: a file is hashed in pieces of at most this size. */
const CHUNK_BYTES = 64 * 1024;

/** SHA-256 of a file's content, as lowercase hex (FIPS 180-4). Rejects with the fs error (ENOENT, EACCES, …). */
export async function sha256File(filePath: string): Promise<string> {
  const handle = await open(filePath, "r");
  try {
    return await sha256OfHandle(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/**
 * SHA-256 (hex) of an open regular file read from its start to its end. `expectedSize` (bytes) only sizes the
 * read buffer: a small file is read in one call into a buffer one byte larger than it, not a 64 KiB stream chunk,
 * so thousands of small files hashed in a burst do not each hold a stream and its buffer, and the short read says
 * it ended (a regular file reads short only at its end); a file that grew meanwhile is still read to its end.
 */
export async function sha256OfHandle(handle: FileHandle, expectedSize: number): Promise<string> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(Math.min(expectedSize + 1, CHUNK_BYTES));
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
    if (bytesRead < buffer.length) break;
  }
  return hash.digest("hex");
}

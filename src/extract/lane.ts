import type { Lane } from "../store/documents-repo.js";
import { extensionOf, isPlainTextKind, kindOfExtension } from "./kinds.js";

/** A plain-text file up to this size is read in the daemon itself: decoding it takes well under a millisecond. */
export const LIGHT_MAX_BYTES = 512 * 1024;

/**
 * Where a document is read, from its name and size (nothing is opened): `light` for small plain-text files (text,
 * Markdown, CSV, JSON, XML), read in the daemon at once; `heavy` for everything else (PDF, images and OCR, office
 * files, archives, e-mail, large or unknown files), read in the extraction processes. The content has the last
 * word: a "light" file whose bytes turn out to be something else is handed to the extraction processes.
 */
export function laneOf(name: string, size: number): Lane {
  if (size > LIGHT_MAX_BYTES) return "heavy";
  const kind = kindOfExtension(extensionOf(name));
  return kind !== undefined && isPlainTextKind(kind) ? "light" : "heavy";
}

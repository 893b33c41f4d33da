import yauzl, { type Entry, type ZipFile } from "yauzl";
import { corrupt, encrypted, formatBytes } from "./errors.js";
import {
  type ExtractInput,
  type ExtractOutput,
  type FormatExtractor,
  scoreKinds,
} from "./format-extractor.js";
import { type DetectedType, type ExtractedChild, ExtractionError } from "./types.js";

/** A member that expands more than this many times over is a bomb, not a document. */
const MAX_RATIO = 1000;
const RATIO_MIN_BYTES = 1024 * 1024;

/** ZIP archives: every member becomes a child document; the text is the member listing. */
export const zipExtractor: FormatExtractor = {
  name: "zip",
  score: scoreKinds(["zip"]),
  extract: extractZip,
};

async function extractZip({ bytes, type, config }: ExtractInput): Promise<ExtractOutput> {
  const zip = await openZip(bytes, type);
  const children: ExtractedChild[] = [];
  const listing: string[] = [];
  let skipped = 0;
  let total = 0;
  try {
    for (let entry = await nextEntry(zip, type); entry; entry = await nextEntry(zip, type)) {
      if (isNoise(entry.fileName)) {
        skipped++;
        continue;
      }
      if (children.length >= config.maxArchiveMembers) {
        throw archiveLimits(`more than ${config.maxArchiveMembers} files (extract.maxArchiveMembers)`, type);
      }
      if (entry.isEncrypted()) throw encrypted(type, `ZIP member ${entry.fileName}`);
      total += entry.uncompressedSize;
      if (total > config.maxArchiveBytes) {
        throw archiveLimits(
          `more than ${formatBytes(config.maxArchiveBytes)} when unpacked (extract.maxArchiveBytes)`,
          type,
        );
      }
      if (
        entry.uncompressedSize > RATIO_MIN_BYTES &&
        entry.uncompressedSize > MAX_RATIO * Math.max(entry.compressedSize, 1)
      ) {
        throw archiveLimits(
          `${entry.fileName} expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}× (a zip bomb)`,
          type,
        );
      }
      const name = safeName(entry.fileName);
      children.push({ name, bytes: await readEntry(zip, entry, type) });
      listing.push(`${name} (${formatBytes(entry.uncompressedSize)})`);
    }
  } finally {
    zip.close();
  }
  const warnings = skipped > 0 ? [`skipped ${skipped} folder, hidden or __MACOSX entries`] : [];
  const text = `ZIP archive with ${children.length} file(s):\n${listing.join("\n")}`;
  return { text, method: "archive", children, warnings };
}

function archiveLimits(detail: string, type: DetectedType): ExtractionError {
  return new ExtractionError(
    "archive_limits",
    `ZIP archive refused: ${detail}; unpack it yourself and drop in the files you need`,
    type,
  );
}

function isNoise(fileName: string): boolean {
  if (fileName.endsWith("/")) return true;
  return fileName.split("/").some((segment) => segment === "__MACOSX" || segment.startsWith("."));
}

/** Member paths stay readable (`folder/file.pdf`) but can never climb out (`../`). */
function safeName(fileName: string): string {
  return fileName
    .split(/[\\/]+/)
    .filter((segment) => segment !== "" && segment !== "." && segment !== "..")
    .join("/");
}

function openZip(bytes: Uint8Array, type: DetectedType): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    const options = {
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: false,
      decodeStrings: true,
    };
    yauzl.fromBuffer(Buffer.from(bytes), options, (error, zip) => {
      if (error || !zip) reject(corrupt(type, error?.message ?? "unreadable archive", error));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: ZipFile, type: DetectedType): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(corrupt(type, error.message, error));
    };
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

/** yauzl checks the real size against the declared one, so a lying header cannot expand further. */
function readEntry(zip: ZipFile, entry: Entry, type: DetectedType): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(corrupt(type, error?.message ?? `cannot open ${entry.fileName}`, error));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (cause: Error) =>
        reject(corrupt(type, `${entry.fileName}: ${cause.message}`, cause)),
      );
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    });
  });
}

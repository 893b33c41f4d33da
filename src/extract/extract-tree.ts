import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Extractor } from "./index.js";
import { ExtractionError, type ExtractionResult } from "./types.js";

export interface ExtractedNode {
  /** `mail.eml`, then `mail.eml#invoice.pdf` for what was found inside it. */
  label: string;
  depth: number;
  result?: ExtractionResult;
  error?: ExtractionError;
}

/**
 * Extracts a file and, depth first, everything found inside it (attachments, archive members), without the
 * store: found files are written to a temporary folder that is removed afterwards. `classify --dry-run` and
 * `extract` read files this way.
 */
export async function extractTree(extractor: Extractor, file: string): Promise<ExtractedNode[]> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "docsort-extract-"));
  try {
    return await visit(extractor, file, path.basename(file), 0, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function visit(
  extractor: Extractor,
  file: string,
  label: string,
  depth: number,
  scratch: string,
): Promise<ExtractedNode[]> {
  let result: ExtractionResult;
  try {
    result = await extractor.extract({
      path: file,
      name: path.basename(label.split("#").at(-1) ?? label),
      depth,
    });
  } catch (error) {
    if (error instanceof ExtractionError) return [{ label, depth, error }];
    throw error;
  }
  const nodes: ExtractedNode[] = [{ label, depth, result }];
  for (const [index, child] of (result.children ?? []).entries()) {
    const childFile = path.join(scratch, `${depth}-${index}-${path.basename(child.name) || "attachment"}`);
    await writeFile(childFile, child.bytes);
    nodes.push(...(await visit(extractor, childFile, `${label}#${child.name}`, depth + 1, scratch)));
  }
  return nodes;
}

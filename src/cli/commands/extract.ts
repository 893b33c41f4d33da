import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import { type ExtractedNode, extractTree } from "../../extract/extract-tree.js";
import { markFailed } from "../exit-status.js";
import { globalOptions } from "../global-options.js";
import { formatMs, printJson, printLine, shown } from "../output/print.js";
import { parseInput } from "../parse-input.js";

const extractOptions = z.object({
  json: z.boolean().optional(),
  maxChars: z.coerce.number().int().positive().optional(),
});

export function registerExtract(program: Command): void {
  program
    .command("extract")
    .description("print what docsort reads from a file: text, method, pages, warnings (stores nothing)")
    .argument("<file>", "the file to read")
    .option("--json", "print a JSON array: the file and everything found inside it")
    .option("--max-chars <n>", "print at most this much text per file (default: all)")
    .action(async (file: string, raw: unknown, command: Command) => {
      const options = parseInput(extractOptions, raw);
      const resolved = path.resolve(file);
      if (!existsSync(resolved) || !statSync(resolved).isFile())
        throw new UsageError(`${file}: no such file.`);
      const app = App.open(globalOptions(command), false, "none");
      const extractor = await app.createExtractor();
      try {
        const nodes = await extractTree(extractor, resolved);
        if (options.json) printJson(nodes.map((node) => toJson(node, options.maxChars)));
        else for (const node of nodes) printNode(node, options.maxChars);
        if (nodes.some((n) => n.error)) markFailed();
      } finally {
        await extractor.close();
        app.close();
      }
    });
}

/** With --max-chars, `text` holds at most that many characters and `textTruncated` says whether it was cut. */
function toJson(node: ExtractedNode, maxChars: number | undefined) {
  if (node.error) {
    return {
      file: node.label,
      depth: node.depth,
      error: { code: node.error.code, message: node.error.message },
    };
  }
  const { children, ...result } = node.result ?? {};
  const text = node.result?.text ?? "";
  const cut = maxChars !== undefined && text.length > maxChars;
  return {
    file: node.label,
    depth: node.depth,
    ...result,
    ...(maxChars === undefined ? {} : { text: cut ? text.slice(0, maxChars) : text, textTruncated: cut }),
    children: (children ?? []).map((c) => ({ name: c.name, size: c.bytes.byteLength })),
  };
}

function printNode(node: ExtractedNode, maxChars: number | undefined): void {
  const indent = "  ".repeat(node.depth);
  if (node.error) {
    printLine(
      `${indent}${shown(node.label)}: not readable (${node.error.code}): ${shown(node.error.message)}`,
    );
    return;
  }
  const r = node.result;
  if (!r) return;
  const facts = [
    r.type.mime,
    r.method,
    r.pages ? `${r.pagesRead ?? r.pages}/${r.pages} pages` : undefined,
    `${r.chars} characters`,
    r.encoding,
    r.language ? `language ${r.language}` : undefined,
    r.ocrConfidence === undefined ? undefined : `OCR confidence ${r.ocrConfidence.toFixed(2)}`,
    r.ocrPages ? `OCR ${r.ocrPages} page(s) in ${formatMs(r.ocrMs ?? 0)}` : undefined,
    formatMs(r.durationMs),
  ].filter((fact): fact is string => fact !== undefined);
  printLine(`${indent}${shown(node.label)}: ${facts.join(", ")}`);
  for (const warning of r.warnings) printLine(`${indent}  warning: ${shown(warning)}`);
  for (const child of r.children ?? [])
    printLine(`${indent}  contains: ${shown(child.name)} (${child.bytes.byteLength} bytes)`);
  const text = maxChars && r.text.length > maxChars ? `${r.text.slice(0, maxChars)}\n[…]` : r.text;
  printLine(`${indent}---`);
  printLine(text.trimEnd());
  printLine(`${indent}---`);
}

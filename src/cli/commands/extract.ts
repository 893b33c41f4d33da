import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { App } from "../../app.js";
import { UsageError } from "../../errors.js";
import { type ExtractedNode, extractTree } from "../../extract/extract-tree.js";
import { globalOptions } from "../global-options.js";
import { formatMs, printJson, printLine } from "../output/print.js";
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
      const app = App.open(globalOptions(command), false);
      const extractor = await app.createExtractor();
      try {
        const nodes = await extractTree(extractor, resolved);
        if (options.json) printJson(nodes.map(toJson));
        else for (const node of nodes) printNode(node, options.maxChars);
        if (nodes.some((n) => n.error)) process.exitCode = 1;
      } finally {
        await extractor.close();
        app.close();
      }
    });
}

function toJson(node: ExtractedNode) {
  if (node.error) {
    return {
      file: node.label,
      depth: node.depth,
      error: { code: node.error.code, message: node.error.message },
    };
  }
  const { children, ...result } = node.result ?? {};
  return {
    file: node.label,
    depth: node.depth,
    ...result,
    children: (children ?? []).map((c) => ({ name: c.name, size: c.bytes.byteLength })),
  };
}

function printNode(node: ExtractedNode, maxChars: number | undefined): void {
  const indent = "  ".repeat(node.depth);
  if (node.error) {
    printLine(`${indent}${node.label}: not readable (${node.error.code}): ${node.error.message}`);
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
  printLine(`${indent}${node.label}: ${facts.join(", ")}`);
  for (const warning of r.warnings) printLine(`${indent}  warning: ${warning}`);
  for (const child of r.children ?? [])
    printLine(`${indent}  contains: ${child.name} (${child.bytes.byteLength} bytes)`);
  const text = maxChars && r.text.length > maxChars ? `${r.text.slice(0, maxChars)}\n[…]` : r.text;
  printLine(`${indent}---`);
  printLine(text.trimEnd());
  printLine(`${indent}---`);
}

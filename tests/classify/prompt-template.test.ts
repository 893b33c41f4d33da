import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  loadPromptTemplate,
  messagesText,
  type PromptTemplate,
  type PromptValues,
  taxonomyValues,
} from "../../src/classify/prompt-template.js";
import { SHIPPED_PROMPTS } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";
import { testConfig } from "../support/test-config.js";

const config = testConfig();
const categories = config.taxonomy;

function classifyValues(name: string, text: string, examples: { category: string; excerpt: string }[]) {
  return {
    categories,
    category_names: categories.map((c) => c.name).join(", "),
    has_examples: examples.length > 0,
    examples,
    document_name: name,
    document_text: text,
    truncated: text.length > 100,
    omitted_chars: text.length * 3,
  } satisfies PromptValues;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function templateDir(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "docsort-prompt-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "t.md"), source);
  return dir;
}

/** The plain text the model sees: the messages joined by line breaks. */
async function renderText(template: PromptTemplate, values: PromptValues): Promise<string> {
  return messagesText(await template.render(values)).join("\n");
}

describe("prompt templates: the fixed part first, what varies last", () => {
  it.each(["classify", "invoice"])(
    "the shipped %s prompt is byte-identical for every document up to the document's own part",
    async (name) => {
      const template = loadPromptTemplate(SHIPPED_PROMPTS, name);
      const a = await renderText(
        template,
        classifyValues("receipt-00008.txt", "RECEIPT 17\nPaid with card", []),
      );
      const b = await renderText(
        template,
        classifyValues("Rechnung 2025-04.pdf", `Rechnung ${"x ".repeat(200)}`, [
          { category: "invoice", excerpt: "Invoice INV-1 from ACME" },
        ]),
      );
      const shared = commonPrefix(a, b);
      const fixedEnd = (s: string) =>
        Math.min(
          ...["For reference, documents", "The document is long", "<document>\nFile name:"]
            .map((marker) => s.indexOf(marker))
            .filter((i) => i >= 0),
        );
      // everything before the first per-document block is shared: no name, example or note comes earlier
      expect(shared).toBe(Math.min(fixedEnd(a), fixedEnd(b)));
      // and the shared part holds the instructions of both messages
      expect(a.slice(0, shared)).toContain("answer with a single JSON object");
      expect(a.slice(0, shared)).toMatch(/between <document> and <\/document>/);
      // nothing fixed is left after the document to be evaluated again for each one
      expect(a.trimEnd().endsWith("</document>")).toBe(true);
    },
  );

  it("the classification and invoice prompts open with the same system message, so a slot's cache serves both", async () => {
    const values = { ...taxonomyValues(categories), document_name: "a.txt", document_text: "x" };
    const [classify] = await loadPromptTemplate(SHIPPED_PROMPTS, "classify").render(values);
    const [invoice] = await loadPromptTemplate(SHIPPED_PROMPTS, "invoice", taxonomyValues(categories)).render(
      {
        document_name: "b.pdf",
        document_text: "y",
      },
    );
    expect(classify?.content).toContain("- invoice: A bill from a seller");
    expect(invoice?.content).toBe(classify?.content);
  });

  it("refuses a per-document value before the per-document mark", () => {
    const dir = templateDir(
      "<!-- system -->\nYou classify.\n<!-- user -->\nThe file {{document_name}} follows.\n" +
        "<!-- per document -->\n{{document_text}}\n",
    );
    expect(() => loadPromptTemplate(dir, "t")).toThrow(ConfigError);
    expect(() => loadPromptTemplate(dir, "t")).toThrow(/\{\{document_name\}\} changes with every document/);
  });

  it("refuses a per-document value in the system part", () => {
    const dir = templateDir(
      "<!-- system -->\nNow: {{#has_examples}}x{{/has_examples}}\n<!-- user -->\n{{document_text}}",
    );
    expect(() => loadPromptTemplate(dir, "t")).toThrow(/\{\{has_examples\}\}/);
  });

  it("a template without the mark still works: its whole user part is per document", async () => {
    const dir = templateDir(
      "<!-- system -->\nYou classify.\n<!-- user -->\nFile {{document_name}}:\n{{document_text}}",
    );
    const messages = await loadPromptTemplate(dir, "t").render({
      document_name: "a.txt",
      document_text: "hi",
    });
    expect(messages.map((m) => m.content)).toEqual(["You classify.", "File a.txt:\nhi"]);
  });

  it("joins the fixed and the per-document parts of the user message with a blank line", async () => {
    const dir = templateDir(
      "<!-- system -->\nS\n<!-- user -->\nFixed intro.\n\n<!-- per document -->\n<document>{{document_text}}</document>\n",
    );
    const messages = await loadPromptTemplate(dir, "t").render({ document_text: "hi" });
    expect(messages.map((m) => m.content)).toEqual(["S", "Fixed intro.\n\n<document>hi</document>"]);
  });
});

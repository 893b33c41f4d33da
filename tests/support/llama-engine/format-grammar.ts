/**
 * Ollama's `format` field turned into a llama.cpp grammar the way Ollama does it (`Completion` in its
 * llm/server.go):
 * - absent, `null` or `""`: no grammar;
 * - `"json"`: its JSON grammar (llama.cpp's grammars/json.gbnf);
 * - a JSON object: llama.cpp's `json_schema_to_grammar`; a schema that the converter refuses gives
 *   `invalid JSON schema in format`;
 * - anything else: `invalid format: "…"; expected "json" or a valid JSON Schema object`.
 * Ollama calls the C++ converter inside its runner; the tests call its Python port from the same llama.cpp release
 * (examples/json_schema_to_grammar.py, which llama.cpp's test-json-schema-to-grammar checks against the same cases).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ENGINE_DIR, type LlamaCppSources } from "./llama-cpp-sources.js";
import { runPython } from "./python.js";

const JSON_GRAMMAR = path.join(
  ENGINE_DIR,
  "node_modules",
  "node-llama-cpp",
  "llama",
  "grammars",
  "json.gbnf",
);

export type FormatGrammar =
  | { kind: "none" }
  | { kind: "grammar"; source: "json" | "schema"; gbnf: string }
  /** `message` is Ollama's wording; `detail` says why (the converter's error), for the tests. */
  | { kind: "invalid"; message: string; detail: string };

export class FormatGrammars {
  private readonly schemas = new Map<string, Promise<FormatGrammar>>();
  private jsonGrammar: string | undefined;

  constructor(
    private readonly python: string,
    private readonly sources: LlamaCppSources,
  ) {}

  /** The grammar for one request's `format`; conversions are cached by the schema's JSON text. */
  forFormat(format: unknown): Promise<FormatGrammar> {
    if (format === undefined || format === null || format === "") return Promise.resolve({ kind: "none" });
    if (format === "json") {
      this.jsonGrammar ??= readFileSync(JSON_GRAMMAR, "utf8");
      return Promise.resolve({ kind: "grammar", source: "json", gbnf: this.jsonGrammar });
    }
    const raw = JSON.stringify(format);
    if (typeof format !== "object" || Array.isArray(format)) {
      const message = `invalid format: ${JSON.stringify(raw)}; expected "json" or a valid JSON Schema object`;
      return Promise.resolve({ kind: "invalid", message, detail: message });
    }
    let converted = this.schemas.get(raw);
    if (!converted) {
      converted = this.convert(raw);
      this.schemas.set(raw, converted);
    }
    return converted;
  }

  private async convert(schema: string): Promise<FormatGrammar> {
    try {
      const gbnf = await runPython(this.python, [this.sources.path("schemaToGrammar"), "-"], schema);
      return { kind: "grammar", source: "schema", gbnf };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { kind: "invalid", message: "invalid JSON schema in format", detail };
    }
  }
}

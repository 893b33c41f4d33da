import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import type { BaseMessage } from "./langchain.js";
import { ChatPromptTemplate } from "./langchain.js";

const SYSTEM_MARK = "<!-- system -->";
const USER_MARK = "<!-- user -->";
const PER_DOCUMENT_MARK = "<!-- per document -->";
/**
 * The values that change from one document to the next. None may appear before the per-document mark: Ollama
 * keeps each slot's last prompt and evaluates only what follows the longest common prefix, so everything before
 * the first difference is free for every document after the first.
 */
export const PER_DOCUMENT_VARIABLES = [
  "document_name",
  "document_text",
  "examples",
  "has_examples",
  "excerpt",
  "category",
  "truncated",
  "omitted_chars",
] as const;

export type PromptValues = Record<string, unknown>;

/**
 * A prompt file of prompts/: a system part and a user part, mustache variables, versioned by its hash. The user part
 * may be split by a `<!-- per document -->` line: what comes before it (and the whole system part) must be the same
 * for every document, so it is sent first and byte-identical (see PER_DOCUMENT_VARIABLES); what follows it changes
 * per document. A template without the mark treats its whole user part as per document.
 */
export interface PromptTemplate {
  name: string;
  file: string;
  /** sha256 of the file, stored with every result so a prompt change is traceable. */
  hash: string;
  render(values: PromptValues): Promise<BaseMessage[]>;
}

/** Each message's text as the model sees it (token estimates join them with line breaks). */
export function messagesText(messages: readonly BaseMessage[]): string[] {
  return messages.map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)));
}

/** The values of the taxonomy, the same for every document: the prompts' shared system message lists it. */
export function taxonomyValues(categories: readonly { name: string; description: string }[]): PromptValues {
  return { categories, category_names: categories.map((c) => c.name).join(", ") };
}

/**
 * Loads prompts/<name>.md. `fixed` values (e.g. taxonomyValues) fill every rendering, under the values given then.
 * Throws ConfigError for a missing file, a template that does not parse, or a per-document value in the fixed part.
 */
export function loadPromptTemplate(dir: string, name: string, fixed: PromptValues = {}): PromptTemplate {
  const file = path.join(dir, `${name}.md`);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${file}: prompt template not found (set "prompts" in the config to your folder).`,
      {
        cause: error,
      },
    );
  }
  const { system, user, fixedUser } = splitSections(file, source);
  checkFixedPart(file, `${system}\n${fixedUser}`);
  let template: ChatPromptTemplate;
  try {
    template = ChatPromptTemplate.fromMessages(
      [
        ["system", system],
        ["human", user],
      ],
      { templateFormat: "mustache" },
    );
  } catch (error) {
    throw new ConfigError(`${file}: the template does not parse: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const hash = createHash("sha256").update(source).digest("hex");
  const render = (values: PromptValues) => template.formatMessages({ ...fixed, ...values });
  return {
    name,
    file,
    hash,
    render,
  };
}

/** Refuses a per-document variable in the part of the template that must be the same for every document. */
function checkFixedPart(file: string, fixed: string): void {
  const used = [...fixed.matchAll(/\{\{\s*[#^/&{]?\s*([\w.]+)/g)].map((m) => m[1]);
  const varying = used.filter((name) => (PER_DOCUMENT_VARIABLES as readonly string[]).includes(name ?? ""));
  if (varying.length > 0) {
    throw new ConfigError(
      `${file}: {{${varying[0]}}} changes with every document; put it after the "${PER_DOCUMENT_MARK}" line ` +
        "(everything before that line must be the same for every document, so the model server can reuse it).",
    );
  }
}

function splitSections(file: string, source: string): { system: string; user: string; fixedUser: string } {
  const systemAt = source.indexOf(SYSTEM_MARK);
  const userAt = source.indexOf(USER_MARK);
  if (systemAt < 0 || userAt < 0 || userAt < systemAt) {
    throw new ConfigError(
      `${file}: a prompt template needs a "${SYSTEM_MARK}" part followed by a "${USER_MARK}" part.`,
    );
  }
  const user = source.slice(userAt + USER_MARK.length);
  const split = user.indexOf(PER_DOCUMENT_MARK);
  const fixedUser = split < 0 ? "" : user.slice(0, split).trim();
  const perDocument = (split < 0 ? user : user.slice(split + PER_DOCUMENT_MARK.length)).trim();
  return {
    system: source.slice(systemAt + SYSTEM_MARK.length, userAt).trim(),
    user: fixedUser ? `${fixedUser}\n\n${perDocument}` : perDocument,
    fixedUser,
  };
}

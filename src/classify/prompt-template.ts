import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BaseMessage } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { ConfigError } from "../errors.js";

const SYSTEM_MARK = "<!-- system -->";
const USER_MARK = "<!-- user -->";

export type PromptValues = Record<string, unknown>;

/** A prompt file of prompts/: a system part and a user part, mustache variables, versioned by its hash. */
export interface PromptTemplate {
  name: string;
  file: string;
  /** sha256 of the file, stored with every result so a prompt change is traceable. */
  hash: string;
  render(values: PromptValues): Promise<BaseMessage[]>;
  /** The plain text the model will see, for token estimates. */
  renderText(values: PromptValues): Promise<string>;
}

export function loadPromptTemplate(dir: string, name: string): PromptTemplate {
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
  const { system, user } = splitSections(file, source);
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
  const render = (values: PromptValues) => template.formatMessages(values);
  return {
    name,
    file,
    hash,
    render,
    async renderText(values) {
      const messages = await render(values);
      return messages
        .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
        .join("\n");
    },
  };
}

function splitSections(file: string, source: string): { system: string; user: string } {
  const systemAt = source.indexOf(SYSTEM_MARK);
  const userAt = source.indexOf(USER_MARK);
  if (systemAt < 0 || userAt < 0 || userAt < systemAt) {
    throw new ConfigError(
      `${file}: a prompt template needs a "${SYSTEM_MARK}" part followed by a "${USER_MARK}" part.`,
    );
  }
  return {
    system: source.slice(systemAt + SYSTEM_MARK.length, userAt).trim(),
    user: source.slice(userAt + USER_MARK.length).trim(),
  };
}

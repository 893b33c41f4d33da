import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Label } from "./corpus.js";
import { LABELED_DIR, labelForText } from "./corpus.js";
import {
  lastUserText,
  type OllamaServer,
  type OllamaServerOptions,
  type Reply,
  startOllamaServer,
} from "./ollama-server.js";
import type { DocsortEnv } from "./run-docsort.js";
import { tempDir } from "./temp-dir.js";

export interface E2eEnv extends DocsortEnv {
  server: OllamaServer;
  root: string;
  cleanup(): Promise<void>;
  /** Writes docsort.config.json into the working folder (the home folder). */
  writeConfig(config: Record<string, unknown>): void;
  dropCorpusFile(label: Pick<Label, "file">, subdir?: string): string;
}

export async function createE2eEnv(serverOptions: OllamaServerOptions = {}): Promise<E2eEnv> {
  const dir = tempDir("docsort-e2e-");
  const home = path.join(dir.path, "home");
  const inbox = path.join(dir.path, "inbox");
  mkdirSync(home, { recursive: true });
  mkdirSync(inbox, { recursive: true });
  const server = await startOllamaServer(serverOptions);
  return {
    home,
    inbox,
    ollamaHost: server.url,
    server,
    root: dir.path,
    async cleanup() {
      await server.close();
      dir.cleanup();
    },
    writeConfig(config) {
      writeFileSync(path.join(home, "docsort.config.json"), JSON.stringify(config, null, 2));
    },
    dropCorpusFile(label, subdir = "") {
      const target = path.join(inbox, subdir, path.basename(label.file));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(LABELED_DIR, label.file), target);
      return target;
    },
  };
}

/** Answers like a model that knows the corpus: the category of the label whose fingerprint is in the prompt. */
export function corpusResponder(labels: readonly Label[], confidence = 0.93) {
  return (request: Parameters<typeof lastUserText>[0]): Reply => {
    const label = labelForText(labels, documentPart(lastUserText(request)));
    return {
      kind: "json",
      value: {
        category: label?.category ?? "other",
        confidence: label ? confidence : 0.35,
        summary: label ? `A ${label.category} (${label.file})` : "Unknown document",
        evidence: label?.fingerprint ?? "",
      },
    };
  };
}

/** The fenced document text inside a prompt. */
export function documentPart(prompt: string): string {
  const start = prompt.lastIndexOf("<document>\n");
  const end = prompt.lastIndexOf("\n</document>");
  if (start < 0 || end <= start) return "";
  // the file name is inside the fence (data, not instructions), on the first line: not part of the text
  return prompt.slice(start + "<document>\n".length, end).replace(/^File name: [^\n]*\n\n?/, "");
}

/** A model that calls every document a letter (tests about files, not about classification). */
export function letterModel(): Reply {
  return {
    kind: "json",
    value: { category: "letter", confidence: 0.9, summary: "a letter", evidence: "Dear" },
  };
}

import { afterAll, beforeAll, beforeEach } from "vitest";
import { LlmClassifier, type LlmClassifierOptions } from "../../src/classify/llm-classifier.js";
import { loadPromptTemplate } from "../../src/classify/prompt-template.js";
import { type OllamaServer, startOllamaServer } from "./ollama-server.js";
import { testConfig } from "./test-config.js";

/** An LlmClassifier with the shipped classify prompt and the default taxonomy, talking to `host`. */
export function testLlmClassifier(
  host: string,
  model: Record<string, unknown> = {},
  options: Partial<LlmClassifierOptions> = {},
): LlmClassifier {
  const config = testConfig({ model: { host, ...model } });
  return new LlmClassifier({
    model: config.model,
    categories: config.taxonomy,
    prompt: loadPromptTemplate(config.prompts, "classify"),
    retryDelayMs: 10,
    ...options,
  });
}

/** One scripted Ollama server for the test file, reset before each test; call inside the file or a describe. */
export function useOllamaServer(): () => OllamaServer {
  let server: OllamaServer | undefined;
  beforeAll(async () => {
    server = await startOllamaServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => server?.reset());
  return () => {
    if (!server) throw new Error("the test server is not started yet");
    return server;
  };
}

/**
 * The test model's tokenizer alone (llama.cpp loads its vocabulary in a moment and skips the weights): counts
 * prompts exactly as the real-engine server does, without starting it.
 */
import type { ChatMessage } from "../ollama-protocol.js";
import { ChatPrompt } from "./chat-prompt.js";
import { loadLlama } from "./engine.js";
import { prepareTinyModel } from "./tiny-model.js";

export interface PromptTokenizer {
  /** Tokens of the messages rendered through the chat template: Ollama's prompt_eval_count when nothing is cut. */
  countPromptTokens(messages: readonly ChatMessage[]): number;
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export async function loadPromptTokenizer(): Promise<PromptTokenizer> {
  const [llama, tiny] = await Promise.all([loadLlama(), prepareTinyModel()]);
  const model = await llama.loadModel({ modelPath: tiny.path, vocabOnly: true });
  const prompt = new ChatPrompt(model);
  return {
    countPromptTokens: (messages) => prompt.tokenize(messages).length,
    countTokens: (text) => model.tokenize(text, false).length,
    dispose: () => model.dispose(),
  };
}

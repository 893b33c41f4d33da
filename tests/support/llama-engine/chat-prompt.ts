/**
 * A chat request's messages as the tokens the model sees, the way Ollama builds them: the messages rendered through
 * the model's chat template, tokenized with special tokens parsed, then cut to the context window as Ollama cuts
 * (/work/shared/ollama-api.md, section 6).
 */
import { Template } from "@huggingface/jinja";
import type { LlamaModel, Token } from "node-llama-cpp";
import type { ChatMessage } from "../ollama-protocol.js";

/** Ollama's default num_keep. */
const DEFAULT_NUM_KEEP = 4;

export interface PromptTokens {
  tokens: Token[];
  /** Tokens of the rendered prompt before any cut. */
  renderedCount: number;
  /** Messages left out by the first stage (oldest first, never the system messages or the last message). */
  droppedMessages: number;
}

export class ChatPrompt {
  private readonly template: Template;

  constructor(private readonly model: LlamaModel) {
    const source = (model.fileInfo.metadata.tokenizer as { chat_template?: unknown }).chat_template;
    if (typeof source !== "string") throw new Error("the model has no chat template");
    this.template = new Template(source);
  }

  /** The prompt text: every message through the chat template, with the assistant's turn opened. */
  render(messages: readonly ChatMessage[]): string {
    return this.template.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: true,
    });
  }

  tokenize(messages: readonly ChatMessage[]): Token[] {
    const tokens = this.model.tokenize(this.render(messages), true);
    const bos = this.model.tokens.bos;
    return this.model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...tokens] : tokens;
  }

  /**
   * What Ollama evaluates for a context of `numCtx` tokens. First whole messages go, oldest first, never the system
   * messages nor the last one; then, if the prompt still does not fit, the first `numKeep` tokens (+1 for a BOS
   * token) are kept and a block after them is dropped so that half the window stays free (Ollama >= 0.30).
   */
  fit(messages: readonly ChatMessage[], numCtx: number, numKeep = DEFAULT_NUM_KEEP): PromptTokens {
    let kept = [...messages];
    let tokens = this.tokenize(kept);
    const renderedCount = tokens.length;
    let droppedMessages = 0;
    while (tokens.length > numCtx) {
      const oldest = kept.findIndex((m, i) => m.role !== "system" && i < kept.length - 1);
      if (oldest < 0) break;
      kept = kept.filter((_, i) => i !== oldest);
      droppedMessages += 1;
      tokens = this.tokenize(kept);
    }
    if (tokens.length <= numCtx - 1) return { tokens, renderedCount, droppedMessages };
    const keep = Math.min(numKeep + (this.model.tokens.shouldPrependBosToken ? 1 : 0), tokens.length);
    const target = numCtx - Math.floor((numCtx - keep) / 2);
    const cut = [...tokens.slice(0, keep), ...tokens.slice(tokens.length - (target - keep))];
    return { tokens: cut, renderedCount, droppedMessages };
  }
}

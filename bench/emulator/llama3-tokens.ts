import llama3Tokenizer from "llama3-tokenizer-js";

/**
 * Token ids of a chat prompt as a Llama 3 model sees it, counted with the real Llama 3 BPE vocabulary
 * (llama3-tokenizer-js; Llama 3.1 and 3.2 share it). The chat template is Llama 3's
 * (https://www.llama.com/docs/model-cards-and-prompt-formats/meta-llama-3/):
 *
 *   <|begin_of_text|>{for each message: <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>}
 *   <|start_header_id|>assistant<|end_header_id|>\n\n
 *
 * The `format` schema is not part of the prompt: Ollama turns it into a sampling grammar.
 */

export interface PromptMessage {
  role: string;
  content: string;
}

const special = (name: string) => llama3Tokenizer.getSpecialTokenId(name);
const BEGIN_OF_TEXT = special("<|begin_of_text|>");
const START_HEADER = special("<|start_header_id|>");
const END_HEADER = special("<|end_header_id|>");
const END_OF_TURN = special("<|eot_id|>");

const CACHE_LIMIT = 4096;
/** Message texts repeat (system prompts, instructions): their tokens are kept, least recently used out first. */
const cache = new Map<string, readonly number[]>();

/** Token ids of `text` alone (no BOS/EOS). */
export function encodeText(text: string): readonly number[] {
  const known = cache.get(text);
  if (known) {
    cache.delete(text);
    cache.set(text, known);
    return known;
  }
  const tokens = llama3Tokenizer.encode(text, { bos: false, eos: false });
  cache.set(text, tokens);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return tokens;
}

export function decodeTokens(tokens: readonly number[]): string {
  return llama3Tokenizer.decode([...tokens]);
}

/** The whole prompt, template tokens included, ending with the assistant header the answer follows. */
export function promptTokens(messages: readonly PromptMessage[]): number[] {
  const tokens: number[] = [BEGIN_OF_TEXT];
  const separator = encodeText("\n\n");
  for (const message of messages) {
    tokens.push(START_HEADER, ...encodeText(message.role), END_HEADER, ...separator);
    tokens.push(...encodeText(message.content), END_OF_TURN);
  }
  tokens.push(START_HEADER, ...encodeText("assistant"), END_HEADER, ...separator);
  return tokens;
}

/** Generated tokens of an answer: its text plus the end-of-turn token that stops generation. */
export function answerTokens(content: string): readonly number[] {
  return [...encodeText(content), END_OF_TURN];
}

/** Length of the common prefix of two token sequences. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i += 1;
  return i;
}

import type { ModelConfig } from "../config/schema.js";

/** Chat-template tokens around each message that our text estimate does not see. */
const TEMPLATE_OVERHEAD_TOKENS = 64;

export function estimateTokens(text: string, charsPerToken: number): number {
  return Math.ceil(text.length / charsPerToken);
}

/**
 * How many characters of document text fit: num_ctx minus the output reserve, a safety margin and the prompt
 * around the text. Ollama would otherwise silently drop the *start* of the prompt, instructions included.
 */
export function textBudgetChars(model: ModelConfig, promptWithoutTextChars: number): number {
  const margin = Math.ceil(model.numCtx * model.safetyMargin);
  const promptTokens = estimateTokens(" ".repeat(promptWithoutTextChars), model.charsPerToken);
  const tokens = model.numCtx - model.numPredict - margin - TEMPLATE_OVERHEAD_TOKENS - promptTokens;
  return Math.max(0, Math.floor(tokens * model.charsPerToken));
}

export interface FittedText {
  text: string;
  truncated: boolean;
  omittedChars: number;
}

const HEAD_SHARE = 0.7;

/** Keeps the beginning (sender, title, numbers) and the end (totals, signatures), cut at line or word breaks. */
export function fitText(text: string, budgetChars: number): FittedText {
  if (text.length <= budgetChars) return { text, truncated: false, omittedChars: 0 };
  const marker = (n: number) => `\n[… ${n} characters omitted …]\n`;
  const room = Math.max(0, budgetChars - marker(text.length).length);
  const head = cutAtBreak(text.slice(0, Math.floor(room * HEAD_SHARE)), "end");
  const tail = cutAtBreak(text.slice(text.length - (room - head.length)), "start");
  const omitted = text.length - head.length - tail.length;
  return { text: `${head}${marker(omitted)}${tail}`, truncated: true, omittedChars: omitted };
}

function cutAtBreak(piece: string, keep: "end" | "start"): string {
  const window = Math.min(200, Math.floor(piece.length / 10));
  if (keep === "end") {
    const at = Math.max(piece.lastIndexOf("\n"), piece.lastIndexOf(" "));
    return at >= piece.length - window && at > 0 ? piece.slice(0, at) : piece;
  }
  const newline = piece.indexOf("\n");
  const space = piece.indexOf(" ");
  const candidates = [newline, space].filter((i) => i >= 0 && i <= window);
  return candidates.length > 0 ? piece.slice(Math.min(...candidates) + 1) : piece;
}

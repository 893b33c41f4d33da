import type { ModelConfig } from "../config/schema.js";
import { estimateTokens, type TokenEstimateOptions, tokenSpans } from "./token-estimate.js";

/** Chat-template tokens around the messages (role headers, BOS) that the text estimate does not see. */
export const TEMPLATE_OVERHEAD_TOKENS = 64;

/** The estimator settings a model config implies. */
export function estimateOptions(model: Pick<ModelConfig, "charsPerToken">): TokenEstimateOptions {
  return { lettersPerToken: model.charsPerToken };
}

/**
 * How many estimated tokens of document text fit: num_ctx minus the output reserve and a safety margin, divided by
 * the model's calibration `factor` (the server counted that many times the estimate before; ≥ 1), minus the template
 * overhead and the prompt around the text (`frameTokens`). Ollama would otherwise silently drop the *start* of the
 * prompt, instructions included.
 */
export function textBudgetTokens(model: ModelConfig, frameTokens: number, factor = 1): number {
  const margin = Math.ceil(model.numCtx * model.safetyMargin);
  const available = model.numCtx - model.numPredict - margin;
  return Math.max(0, Math.floor(available / factor) - TEMPLATE_OVERHEAD_TOKENS - frameTokens);
}

export interface FittedText {
  text: string;
  truncated: boolean;
  omittedChars: number;
}

const HEAD_SHARE = 0.7;
/**
 * A first pass on a small budget (tokens.firstPass) keeps more of the beginning: what a document is (title,
 * letterhead, "Invoice", "Agreement") is nearly always said there; the end adds totals and signatures.
 */
export const FIRST_PASS_HEAD_SHARE = 0.8;
/** Beyond this many characters per token only whitespace runs go; a window this wide holds any kept end. */
const WINDOW_CHARS_PER_TOKEN = 8;

/**
 * Cuts `text` to at most `budgetTokens` estimated tokens, keeping the beginning (sender, title, numbers) and the end
 * (totals, signatures), cut at line or word breaks, with a visible `[… N characters omitted …]` marker between.
 */
export function fitText(
  text: string,
  budgetTokens: number,
  options: TokenEstimateOptions = {},
  headShare = HEAD_SHARE,
): FittedText {
  if (estimateTokens(text, options) <= budgetTokens) return { text, truncated: false, omittedChars: 0 };
  const marker = (n: number) => `\n[… ${n} characters omitted …]\n`;
  const room = Math.max(0, budgetTokens - estimateTokens(marker(text.length), options));
  // Only the two ends can be kept: no span costs less than a token per WINDOW_CHARS_PER_TOKEN characters.
  const window = Math.ceil(room * WINDOW_CHARS_PER_TOKEN);
  const headEnd = prefixEnd(tokenSpans(text.slice(0, window), options), room * headShare);
  const head = cutAtBreak(text.slice(0, headEnd), "end");
  const headTokens = estimateTokens(head, options);
  const tailFrom = Math.max(headEnd, text.length - window);
  const tailWindow = text.slice(tailFrom);
  const tailStart =
    tailFrom + suffixStart(tokenSpans(tailWindow, options), room - headTokens, tailWindow.length);
  const tail = cutAtBreak(text.slice(tailStart), "start");
  const omitted = text.length - head.length - tail.length;
  return { text: `${head}${marker(omitted)}${tail}`, truncated: true, omittedChars: omitted };
}

/** The end of the longest run of whole spans from the start that costs at most `tokens`. */
function prefixEnd(spans: readonly { end: number; tokens: number }[], tokens: number): number {
  let used = 0;
  let end = 0;
  for (const span of spans) {
    if (used + span.tokens > tokens) break;
    used += span.tokens;
    end = span.end;
  }
  return end;
}

/** The start of the longest run of whole spans up to the end that costs at most `tokens`. */
function suffixStart(
  spans: readonly { end: number; tokens: number }[],
  tokens: number,
  length: number,
): number {
  let used = 0;
  let start = length;
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i];
    if (!span || used + span.tokens > tokens) break;
    used += span.tokens;
    start = spans[i - 1]?.end ?? 0;
  }
  return start;
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

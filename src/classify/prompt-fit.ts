import type { ModelConfig } from "../config/schema.js";
import type { BaseMessage } from "./langchain.js";
import { messagesText, type PromptTemplate, type PromptValues } from "./prompt-template.js";
import {
  estimateOptions,
  FIRST_PASS_HEAD_SHARE,
  type FittedText,
  fitText,
  TEMPLATE_OVERHEAD_TOKENS,
  textBudgetTokens,
} from "./token-budget.js";
import type { TokenCalibration } from "./token-calibration.js";
import { estimateTokens, estimateTokensAfter, type TokenEstimateOptions } from "./token-estimate.js";

/** The prompt as sent: the messages, how the document text was cut, and the estimate it was cut by. */
export interface FittedPrompt extends FittedText {
  messages: BaseMessage[];
  /** Uncalibrated estimate of the whole prompt, template overhead included. */
  rawTokens: number;
  /** The calibration factor used. */
  factor: number;
  /** rawTokens × factor: what docsort expects Ollama to count. */
  estimatedTokens: number;
  /** Estimated tokens of the document text as sent. */
  textTokens: number;
  /** The text was cut to `maxTextTokens`, below what the window had room for: more could be sent. */
  capped: boolean;
}

/**
 * Renders `prompt` around as much of `text` as fits the model's window, by the estimate calibrated for this model,
 * and at most `maxTextTokens` estimated tokens of it (default: no cap below the window's room).
 * `values(text, truncated, omittedChars)` fills the template.
 */
export async function fitPrompt(
  prompt: PromptTemplate,
  values: (text: string, truncated: boolean, omittedChars: number) => PromptValues,
  text: string,
  model: ModelConfig,
  factor: number,
  maxTextTokens = Number.POSITIVE_INFINITY,
): Promise<FittedPrompt> {
  const options = estimateOptions(model);
  const frame = estimateRendered(await prompt.render(values("", false, 0)), options);
  const room = textBudgetTokens(model, frame, factor);
  const capping = maxTextTokens < room;
  const fitted = fitText(
    text,
    Math.min(room, maxTextTokens),
    options,
    capping ? FIRST_PASS_HEAD_SHARE : undefined,
  );
  const messages = await prompt.render(values(fitted.text, fitted.truncated, fitted.omittedChars));
  const rawTokens = estimateRendered(messages, options) + TEMPLATE_OVERHEAD_TOKENS;
  return {
    ...fitted,
    messages,
    rawTokens,
    factor,
    estimatedTokens: Math.ceil(rawTokens * factor),
    textTokens: estimateTokens(fitted.text, options),
    capped: fitted.truncated && capping,
  };
}

/**
 * `estimateTokens` of rendered messages joined by line breaks; the first message (the system message, the same for
 * every document) is scanned once per process.
 */
function estimateRendered(messages: readonly BaseMessage[], options: TokenEstimateOptions): number {
  const [head = "", ...rest] = messagesText(messages);
  return rest.length === 0
    ? estimateTokens(head, options)
    : estimateTokensAfter(head, `\n${rest.join("\n")}`, options);
}

/** What Ollama's prompt_eval_count says about a prompt that was sent. */
export type PromptCountVerdict =
  | { kind: "unknown" }
  | { kind: "fits" }
  /** The server counted more than estimated, but the prompt fitted: the estimate is corrected. */
  | { kind: "underestimated"; message: string }
  /** The server cut the prompt: its head (instructions included) was lost. */
  | { kind: "cut"; message: string };

/** Counts above the estimate by less than this share are rounding, not a disagreement. */
const TOLERANCE = 0.02;
/** Ollama ≥ 0.30 cuts to num_ctx − floor((num_ctx − keep) / 2); keep is num_keep (4) + BOS, up to this. */
const MAX_KEEP = 16;

/**
 * Ollama does not fail an oversized prompt: it drops the start and reports what it kept — exactly num_ctx (before
 * 0.30) or about half of it (0.30 on; see /work/shared/ollama-api.md §6). Either count is the sign of a cut; a count
 * merely above the estimate is a disagreement that corrects it.
 */
export function judgePromptCount(
  counted: number | null,
  fitted: Pick<FittedPrompt, "estimatedTokens">,
  numCtx: number,
): PromptCountVerdict {
  if (counted === null) return { kind: "unknown" };
  const half = numCtx - Math.floor(numCtx / 2);
  const looksHalved =
    counted >= half && counted <= half + MAX_KEEP / 2 && fitted.estimatedTokens >= numCtx * 0.4;
  if (counted >= numCtx - 1 || looksHalved) {
    return {
      kind: "cut",
      message:
        `Ollama counted ${counted} prompt tokens of a ${numCtx}-token window where docsort estimated ` +
        `${fitted.estimatedTokens}: the server cut the prompt`,
    };
  }
  if (counted > fitted.estimatedTokens * (1 + TOLERANCE)) {
    return {
      kind: "underestimated",
      message: `Ollama counted ${counted} prompt tokens where docsort estimated ${fitted.estimatedTokens}`,
    };
  }
  return { kind: "fits" };
}

/**
 * After a cut the real count is unknown, only that it was above num_ctx; it is taken to be this much above, so the
 * refitted prompt has room to spare (later counts that fit bring the factor back down).
 */
const CUT_OVERSHOOT = 1.5;

/**
 * Feeds a verdict into the calibration. Returns a warning for the document when the estimate was corrected.
 */
export function learnFromCount(
  calibration: TokenCalibration,
  model: ModelConfig,
  fitted: FittedPrompt,
  verdict: PromptCountVerdict,
  counted: number | null,
): string | undefined {
  if (counted === null || verdict.kind === "unknown") return undefined;
  const real = verdict.kind === "cut" ? Math.ceil(model.numCtx * CUT_OVERSHOOT) : counted;
  const { before, after } = calibration.observe(model.name, { estimated: fitted.rawTokens, counted: real });
  if (verdict.kind === "fits") return undefined;
  const change = after > before ? `; the estimate for ${model.name} is raised ×${before} → ×${after}` : "";
  return `${verdict.message}${change}`;
}

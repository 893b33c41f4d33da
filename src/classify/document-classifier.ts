import type { ClassificationSource } from "../store/classifications-repo.js";

export interface ClassifyInput {
  documentId: number | undefined;
  name: string;
  text: string;
}

/** What a classifier decided, with everything needed to explain and reproduce it. */
export interface ClassificationDecision {
  category: string;
  confidence: number;
  summary: string;
  evidence: string;
  source: Exclude<ClassificationSource, "human">;
  model: string | null;
  promptHash: string | null;
  numCtx: number | null;
  promptTokens: number | null;
  outputTokens: number | null;
  estimatedPromptTokens: number | null;
  latencyMs: number | null;
  truncated: boolean;
  attempts: number;
  rawOutput: string | null;
  details: Record<string, unknown>;
  /** Set when the document must be looked at by a person whatever its confidence. */
  reviewReason?: string;
}

/** Rules, the built-in classifier, the LLM, or a cascade of them: the pipeline only sees this. */
export interface DocumentClassifier {
  classify(input: ClassifyInput, signal?: AbortSignal): Promise<ClassificationDecision>;
}

/** The model fields of a decision no model made: rules, the built-in classifier, people. */
export const NO_MODEL_CALL = {
  model: null,
  promptHash: null,
  numCtx: null,
  promptTokens: null,
  outputTokens: null,
  estimatedPromptTokens: null,
  latencyMs: null,
  truncated: false,
  attempts: 1,
  rawOutput: null,
} as const;

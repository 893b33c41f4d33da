import type { ClassificationDecision, ClassifyInput, DocumentClassifier } from "./document-classifier.js";
import type { LlmClassifier } from "./llm-classifier.js";

export class LlmDocumentClassifier implements DocumentClassifier {
  constructor(private readonly llm: LlmClassifier) {}

  async classify(input: ClassifyInput, signal?: AbortSignal): Promise<ClassificationDecision> {
    const result = await this.llm.classify({ text: input.text, name: input.name }, signal);
    return {
      category: result.category,
      confidence: result.confidence,
      summary: result.summary,
      evidence: result.evidence,
      source: "llm",
      model: result.model,
      promptHash: result.promptHash,
      numCtx: result.numCtx,
      promptTokens: result.promptTokens,
      outputTokens: result.outputTokens,
      estimatedPromptTokens: result.estimatedPromptTokens,
      latencyMs: result.latencyMs,
      truncated: result.truncated,
      attempts: result.attempts,
      rawOutput: result.rawOutput,
      details: {
        omittedChars: result.omittedChars,
        retries: result.retries,
        ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      },
    };
  }
}

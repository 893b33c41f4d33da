import type { SimilarExample } from "../store/examples-index.js";
import type { ClassificationDecision, ClassifyInput, DocumentClassifier } from "./document-classifier.js";
import { chooseExamples, type ExamplePolicy } from "./example-selection.js";
import type { LlmClassifier } from "./llm-classifier.js";

/** Confirmed documents similar to the one being classified, shown to the model as examples. */
export type ExampleFinder = (input: ClassifyInput) => SimilarExample[];

export class LlmDocumentClassifier implements DocumentClassifier {
  constructor(
    private readonly llm: LlmClassifier,
    private readonly findExamples: ExampleFinder = () => [],
    /** Default: every example found is shown. */
    private readonly examplePolicy?: ExamplePolicy,
  ) {}

  async classify(input: ClassifyInput, signal?: AbortSignal): Promise<ClassificationDecision> {
    const found = this.findExamples(input);
    const examples = this.examplePolicy ? chooseExamples(found, input.text, this.examplePolicy) : found;
    const result = await this.llm.classify({ text: input.text, name: input.name, examples }, signal);
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
        host: result.host,
        sent: { chars: result.sentChars, tokens: result.sentTokens, escalated: result.escalated },
        ...(result.promptCachedTokens !== null ? { promptCachedTokens: result.promptCachedTokens } : {}),
        ...(result.firstPass ? { firstPass: result.firstPass } : {}),
        ...(examples.length > 0
          ? {
              examples: examples.map((e) => ({
                documentId: e.documentId,
                category: e.category,
                score: e.score,
                ...("similarity" in e ? { similarity: e.similarity } : {}),
              })),
            }
          : {}),
        ...(found.length > examples.length ? { examplesLeftOut: found.length - examples.length } : {}),
        ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      },
      ...(result.reviewReason ? { reviewReason: result.reviewReason } : {}),
    };
  }
}

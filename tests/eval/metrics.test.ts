import { describe, expect, it } from "vitest";
import { computeMetrics, type EvalCase, NONE } from "../../src/eval/metrics.js";

function evalCase(expected: string, predicted: string | null, abstained = false, classifyMs = 2): EvalCase {
  return {
    file: `${expected}-${predicted}`,
    expected,
    predicted,
    confidence: predicted ? 0.8 : null,
    abstained,
    source: "builtin",
    extractMs: 10,
    classifyMs,
    promptTokens: null,
    outputTokens: null,
    error: null,
    examples: [],
  };
}

describe("eval metrics", () => {
  it("accuracy, abstention, per-category precision/recall/F1 and the confusion matrix", () => {
    const cases = [
      evalCase("invoice", "invoice"),
      evalCase("invoice", "invoice", true),
      evalCase("invoice", "receipt"),
      evalCase("receipt", "receipt"),
      evalCase("other", null, true),
    ];
    const m = computeMetrics(cases, ["invoice", "receipt", "other"]);
    expect(m).toMatchObject({ documents: 5, correct: 3, accuracy: 0.6, abstained: 2, abstentionRate: 0.4 });
    expect(m.decidedAccuracy).toBeCloseTo(2 / 3, 3);
    expect(m.perCategory).toEqual([
      { category: "invoice", support: 3, precision: 1, recall: 0.667, f1: 0.8 },
      { category: "receipt", support: 1, precision: 0.5, recall: 1, f1: 0.667 },
      { category: "other", support: 1, precision: 0, recall: 0, f1: 0 },
    ]);
    expect(m.confusion).toEqual({
      invoice: { invoice: 2, receipt: 1 },
      receipt: { receipt: 1 },
      other: { [NONE]: 1 },
    });
    expect(m.promptTokens).toBeNull();
    expect(m.classifyMs).toMatchObject({ mean: 2, p50: 2 });
  });
});

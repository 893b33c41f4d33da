import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { judgePromptCount } from "../../src/classify/prompt-fit.js";
import { fitText } from "../../src/classify/token-budget.js";
import { createTokenCalibration, MAX_FACTOR, nextFactor } from "../../src/classify/token-calibration.js";
import { estimateTokens, estimateTokensAfter, tokenSpans } from "../../src/classify/token-estimate.js";

interface Sample {
  name: string;
  text: string;
  llama3: number;
  qwen3: number;
}

/** Real token counts of short samples of every character class, measured once (see the file's `source`). */
const COUNTS = JSON.parse(
  readFileSync(new URL("../fixtures/token-counts.json", import.meta.url), "utf8"),
) as { source: string; samples: Sample[] };

describe("estimateTokens", () => {
  it.each(COUNTS.samples.map((s) => [s.name, s] as const))(
    "%s: never below the llama 3 or Qwen 3 count",
    (_name, sample) => {
      const estimate = estimateTokens(sample.text);
      expect(estimate).toBeGreaterThanOrEqual(sample.llama3);
      expect(estimate).toBeGreaterThanOrEqual(sample.qwen3);
    },
  );

  it("a fixed 3 characters a token, the old estimate, under-counts dense text by far", () => {
    const dense = COUNTS.samples.filter((s) => /digit-dense|IBANs|hex|punctuation/.test(s.name));
    expect(dense.length).toBe(4);
    for (const sample of dense) expect(Math.ceil(sample.text.length / 3)).toBeLessThan(sample.qwen3 * 0.7);
  });

  it.each([
    ["a digit", "7", 1],
    ["ten digits", "0123456789", 10],
    ["punctuation", ";.,-/", 5],
    ["a short word", "the", 1],
    ["a word of 9 letters", "statement", 3],
    ["umlauts weigh double", "Grüße", 3],
    ["capitals are codes", "BUKB", 3],
    ["mixed case is a code", "xKqZ", 4],
    ["no vowels is a code", "bcdfg", 4],
    ["a space before a word is free", "a b", 2],
    ["a space before a digit is not", "a 1", 3],
    ["spaces aligning a column of digits", "a    1", 4],
    ["spaces aligning a column of words", "a    b", 3],
    ["a line break", "a\nb", 3],
    ["a kanji", "年", 1.5],
    ["a euro sign", "€", 2],
    ["an emoji", "😀", 4],
  ])("%s: %s costs %s", (_what, text, cost) => {
    const total = tokenSpans(text).reduce((sum, span) => sum + span.tokens, 0);
    expect(total).toBe(cost);
    expect(estimateTokens(text)).toBe(Math.ceil(cost));
  });

  it("counts more letters per token when told so", () => {
    const text = "statement ".repeat(100);
    expect(estimateTokens(text, { lettersPerToken: 4.5 })).toBeLessThan(estimateTokens(text));
  });
});

describe("estimateTokensAfter", () => {
  const heads = [
    "You sort documents. Categories: invoice, receipt, contract.",
    "Ends in a word",
    "Ends in digits 2024",
    "Ends in CJK 請求書",
    "Ends in an emoji 🧾",
    "Ends in a space ",
    "Ends in a line break\n",
    "Ends in half a pair \ud83e",
    "",
  ];
  const tails = [
    "\nInvoice RE-2024-0042 total 119,00 €",
    "\n\n   42 spaces before digits",
    "\n請求書 1.5 tokens a character",
    "no line break first",
    " 7 a space before a digit",
    "",
  ];
  it.each(
    heads.flatMap((head) =>
      tails.map((tail) => [JSON.stringify(head), JSON.stringify(tail), head, tail] as const),
    ),
  )("%s + %s: the same as estimateTokens of the whole text", (_h, _t, head, tail) => {
    for (const options of [{}, { lettersPerToken: 4 }]) {
      // twice: the second call takes the head's remembered cost
      expect(estimateTokensAfter(head, tail, options)).toBe(estimateTokens(head + tail, options));
      expect(estimateTokensAfter(head, tail, options)).toBe(estimateTokens(head + tail, options));
    }
  });
});

describe("fitText", () => {
  const dense = readFileSync(
    new URL("../fixtures/field-reports-1/07-digit-dense-statement.csv", import.meta.url),
    "utf8",
  );
  it.each([
    ["digit-dense CSV", dense, 2000],
    ["digit-dense CSV, small budget", dense, 300],
    ["prose", "The quick brown fox jumps over the lazy dog. ".repeat(3000), 1500],
    ["Japanese", "請求書の金額は合計十二万円です。".repeat(2000), 1000],
    ["whitespace runs", `${"x\n".repeat(50)}${" ".repeat(100_000)}${"y\n".repeat(50)}`, 40],
  ])("%s: what is kept fits the budget, with the start and the end", (_what, text, budget) => {
    const fitted = fitText(text, budget);
    expect(fitted.truncated).toBe(true);
    expect(estimateTokens(fitted.text)).toBeLessThanOrEqual(budget + 2);
    expect(fitted.text.slice(0, 10)).toBe(text.slice(0, 10));
    expect(fitted.text).toMatch(/\[… \d+ characters omitted …\]/);
    expect(text.endsWith(fitted.text.slice(-5))).toBe(true);
    expect(fitted.omittedChars).toBeGreaterThan(0);
  });

  it("leaves a text within the budget alone", () => {
    expect(fitText("Rechnung 123", 100)).toEqual({ text: "Rechnung 123", truncated: false, omittedChars: 0 });
  });
});

describe("calibration from Ollama's prompt_eval_count", () => {
  it.each([
    ["a higher count raises the factor at once", 1, { estimated: 1000, counted: 1250 }, 1.25],
    ["a lower count lowers it slowly", 1.5, { estimated: 1000, counted: 1000 }, 1.45],
    ["never below 1: the estimate stays conservative", 1, { estimated: 1000, counted: 500 }, 1],
    ["never above the cap", 1, { estimated: 100, counted: 10_000 }, MAX_FACTOR],
    ["no count, no change", 1.2, { estimated: 1000, counted: 0 }, 1.2],
  ])("%s", (_what, current, observation, expected) => {
    expect(nextFactor(current, observation)).toBeCloseTo(expected, 3);
  });

  it("keeps one factor per model in the key-value store, so it survives restarts", () => {
    const kv = new Map<string, string>();
    const store = {
      get: (key: string) => kv.get(key),
      set: (key: string, value: string) => void kv.set(key, value),
    };
    const first = createTokenCalibration(store);
    expect(first.observe("qwen2.5:7b", { estimated: 1000, counted: 1300 })).toEqual({
      before: 1,
      after: 1.3,
    });
    const again = createTokenCalibration(store);
    expect(again.factor("qwen2.5:7b")).toBe(1.3);
    expect(again.factor("llama3.2")).toBe(1);
    expect(JSON.parse(kv.get("tokens.factor:qwen2.5:7b") ?? "{}")).toMatchObject({
      factor: 1.3,
      observations: 1,
    });
  });

  it("writes a factor back when it changes, and otherwise once every 100 observations", () => {
    const writes: string[] = [];
    const kv = new Map<string, string>();
    const calibration = createTokenCalibration({
      get: (key) => kv.get(key),
      set: (key, value) => {
        writes.push(value);
        kv.set(key, value);
      },
    });
    for (let i = 0; i < 250; i += 1) calibration.observe("m", { estimated: 1000, counted: 900 });
    // the first observation is written (a new entry), then the 101st and the 201st; the factor stays 1
    expect(writes.map((w) => JSON.parse(w))).toEqual([
      { factor: 1, observations: 1 },
      { factor: 1, observations: 101 },
      { factor: 1, observations: 201 },
    ]);
    calibration.observe("m", { estimated: 1000, counted: 1200 });
    expect(JSON.parse(kv.get("tokens.factor:m") ?? "{}")).toEqual({ factor: 1.2, observations: 251 });
    expect(calibration.factor("m")).toBe(1.2);
  });

  it("ignores a stored value it cannot read", () => {
    const store = { get: () => "{not json", set: () => {} };
    expect(createTokenCalibration(store).factor("m")).toBe(1);
  });
});

describe("judgePromptCount", () => {
  const fitted = (estimatedTokens: number) => ({ estimatedTokens });
  it.each([
    ["no count", null, 6000, "unknown"],
    ["below the estimate", 5000, 6000, "fits"],
    ["within 2 % above", 6100, 6000, "fits"],
    ["above the estimate", 6600, 6000, "underestimated"],
    ["the whole window (Ollama < 0.30)", 8191, 6000, "cut"],
    ["exactly num_ctx", 8192, 6000, "cut"],
    ["half the window (Ollama ≥ 0.30, num_keep 4 + BOS)", 4099, 6000, "cut"],
    ["half the window, num_keep 4", 4098, 6000, "cut"],
    ["about half, but a small prompt was expected", 4099, 3000, "underestimated"],
    ["well away from half", 4400, 6000, "fits"],
  ] as const)("%s", (_what, counted, estimated, verdict) => {
    expect(judgePromptCount(counted, fitted(estimated), 8192).kind).toBe(verdict);
  });
});

import { SoftmaxRegression, softmax } from "./softmax-regression.js";
import { countFeatures, featureWords, type SparseVector, wordFeatures } from "./text-features.js";
import { TfIdf } from "./tfidf.js";

export interface TrainingExample {
  category: string;
  text: string;
  name?: string;
  /** Shipped seed examples: their vocabulary is always kept. */
  seed?: boolean;
}

export interface CategoryScore {
  category: string;
  probability: number;
}

export interface ModelStats {
  examples: number;
  seeds: number;
  categories: string[];
  features: number;
  temperature: number;
  trainingMs: number;
}

const FOLDS = 3;
const LARGE_TRAINING_SET = 400;
const TEMPERATURES = [0.25, 0.35, 0.5, 0.7, 0.85, 1, 1.25, 1.5, 2, 3];
/** Features seen in fewer confirmed documents than this are ignored (see TfIdf). */
const MIN_DOC_FREQUENCY = 3;
/**
 * Seeds say what kind of document each category is; confirmed documents also carry who wrote them. Weighing the
 * seeds more keeps a handful of confirmed documents that share a sender from outvoting the document type.
 */
const SEED_WEIGHT = 3;

/**
 * TF-IDF + multinomial logistic regression, with a temperature fitted by cross-validation on the training set so
 * its probabilities are honest: a document unlike anything it was trained on gets a low confidence.
 */
export class BuiltinModel {
  private constructor(
    private readonly categories: readonly string[],
    private readonly tfidf: TfIdf,
    private readonly regression: SoftmaxRegression,
    readonly stats: ModelStats,
  ) {}

  static train(examples: readonly TrainingExample[], taxonomy: readonly string[]): BuiltinModel | undefined {
    const started = performance.now();
    const usable = examples.filter((e) => taxonomy.includes(e.category));
    const categories = taxonomy.filter((c) => usable.some((e) => e.category === c));
    if (categories.length < 2) return undefined;
    const counts = usable.map((e) => countFeatures(e.text, e.name));
    const labels = usable.map((e) => categories.indexOf(e.category));
    const seedFeatures = new Set<number>();
    usable.forEach((e, i) => {
      if (e.seed) for (const feature of counts[i]?.keys() ?? []) seedFeatures.add(feature);
    });
    const trainOn = (indices: readonly number[]) => {
      const tfidf = TfIdf.fit(
        indices.map((i) => counts[i] ?? new Map()),
        { minDocFrequency: MIN_DOC_FREQUENCY, alwaysKeep: seedFeatures },
      );
      const vectors = indices.map((i) => tfidf.transform(counts[i] ?? new Map()));
      const regression = SoftmaxRegression.train(
        vectors,
        indices.map((i) => labels[i] ?? 0),
        categories.length,
        trainingOptions(indices.length),
        indices.map((i) => (usable[i]?.seed ? SEED_WEIGHT : 1)),
      );
      return { tfidf, regression };
    };
    const temperature = fitTemperature(usable.length, labels, (train, test) => {
      const { tfidf, regression } = trainOn(train);
      return test.map((i) => regression.logits(tfidf.transform(counts[i] ?? new Map())));
    });
    const all = usable.map((_, i) => i);
    const { tfidf, regression } = trainOn(all);
    return new BuiltinModel(categories, tfidf, regression, {
      examples: usable.length,
      seeds: usable.filter((e) => e.seed).length,
      categories,
      features: tfidf.size,
      temperature,
      trainingMs: Math.round(performance.now() - started),
    });
  }

  /** Every trained category with its probability, most likely first. */
  rank(text: string, name = ""): CategoryScore[] {
    const vector: SparseVector = this.tfidf.transform(countFeatures(text, name));
    const probabilities = softmax(this.regression.logits(vector), this.stats.temperature);
    return this.categories
      .map((category, i) => ({ category, probability: probabilities[i] ?? 0 }))
      .sort((a, b) => b.probability - a.probability);
  }

  /** The words of the document that pushed it most towards `category`: the built-in classifier's evidence. */
  explain(text: string, name: string, category: string, count = 5): string[] {
    const c = this.categories.indexOf(category);
    if (c < 0) return [];
    const vector = this.tfidf.transform(countFeatures(text, name));
    const weightOf = new Map<number, number>();
    vector.indices.forEach((feature, j) => {
      weightOf.set(feature, vector.values[j] ?? 0);
    });
    const scored = [...new Set(featureWords(text, name))].map((word) => ({
      word,
      score: wordFeatures(word).reduce(
        (sum, feature) => sum + (weightOf.get(feature) ?? 0) * this.regression.leaning(feature, c),
        0,
      ),
    }));
    return scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, count)
      .map((s) => s.word);
  }
}

function trainingOptions(size: number) {
  return {
    epochs: Math.max(3, Math.min(30, Math.round(2000 / Math.max(1, size)))),
    learningRate: 0.5,
    l2: 1e-3,
    seed: 7,
  };
}

/** Picks the temperature with the lowest held-out log loss over a few folds. */
function fitTemperature(
  size: number,
  labels: readonly number[],
  predict: (train: number[], test: number[]) => Float64Array[],
): number {
  if (size < FOLDS * 4) return 1;
  const held: { logits: Float64Array; label: number }[] = [];
  // With many examples one held-out fold is enough, and keeps retraining under a second.
  const folds = size > LARGE_TRAINING_SET ? 1 : FOLDS;
  for (let fold = 0; fold < folds; fold += 1) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < size; i += 1) (i % FOLDS === fold ? test : train).push(i);
    predict(train, test).forEach((logits, j) => {
      held.push({ logits, label: labels[test[j] ?? 0] ?? 0 });
    });
  }
  let best = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const temperature of TEMPERATURES) {
    let loss = 0;
    for (const { logits, label } of held) {
      loss -= Math.log(Math.max(1e-9, softmax(logits, temperature)[label] ?? 0));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = temperature;
    }
  }
  return best;
}

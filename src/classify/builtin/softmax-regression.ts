import { FEATURE_COUNT, type SparseVector } from "./text-features.js";

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Seed of the shuffling: the same data always gives the same model. */
  seed: number;
}

/**
 * Multinomial logistic regression over hashed TF-IDF features, trained by stochastic gradient descent. Small and
 * deterministic: weights are one Float32Array of FEATURE_COUNT × classes.
 */
export class SoftmaxRegression {
  private constructor(
    readonly classes: number,
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
  ) {}

  static train(
    vectors: readonly SparseVector[],
    labels: readonly number[],
    classes: number,
    options: TrainingOptions,
    weights?: readonly number[],
  ): SoftmaxRegression {
    const model = new SoftmaxRegression(
      classes,
      new Float32Array(FEATURE_COUNT * classes),
      new Float64Array(classes),
    );
    const order = vectors.map((_, i) => i);
    const random = mulberry32(options.seed);
    const gradient = new Float64Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      shuffle(order, random);
      const rate = options.learningRate / (1 + epoch * 0.1);
      for (const i of order) {
        const vector = vectors[i];
        const label = labels[i];
        if (vector === undefined || label === undefined) continue;
        const probabilities = softmax(model.logits(vector), 1);
        for (let c = 0; c < classes; c += 1) gradient[c] = (probabilities[c] ?? 0) - (c === label ? 1 : 0);
        model.step(vector, gradient, rate * (weights?.[i] ?? 1), options.l2);
      }
    }
    return model;
  }

  logits(vector: SparseVector): Float64Array {
    const { classes, weights } = this;
    const scores = Float64Array.from(this.bias);
    for (let j = 0; j < vector.indices.length; j += 1) {
      const base = (vector.indices[j] ?? 0) * classes;
      const value = vector.values[j] ?? 0;
      for (let c = 0; c < classes; c += 1) scores[c] = (scores[c] ?? 0) + (weights[base + c] ?? 0) * value;
    }
    return scores;
  }

  /** How much a feature pushes towards class `c` rather than the others. */
  leaning(feature: number, c: number): number {
    const base = feature * this.classes;
    let sum = 0;
    for (let k = 0; k < this.classes; k += 1) sum += this.weights[base + k] ?? 0;
    return (this.weights[base + c] ?? 0) - sum / this.classes;
  }

  private step(vector: SparseVector, gradient: Float64Array, rate: number, l2: number): void {
    const { classes, weights, bias } = this;
    for (let j = 0; j < vector.indices.length; j += 1) {
      const base = (vector.indices[j] ?? 0) * classes;
      const value = vector.values[j] ?? 0;
      for (let c = 0; c < classes; c += 1) {
        const w = weights[base + c] ?? 0;
        weights[base + c] = w - rate * ((gradient[c] ?? 0) * value + l2 * w);
      }
    }
    for (let c = 0; c < classes; c += 1) bias[c] = (bias[c] ?? 0) - rate * 0.1 * (gradient[c] ?? 0);
  }
}

export function softmax(scores: ArrayLike<number>, temperature: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i += 1) max = Math.max(max, scores[i] ?? 0);
  const exps: number[] = [];
  let sum = 0;
  for (let i = 0; i < scores.length; i += 1) {
    const e = Math.exp(((scores[i] ?? 0) - max) / temperature);
    exps.push(e);
    sum += e;
  }
  return exps.map((e) => e / sum);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
}

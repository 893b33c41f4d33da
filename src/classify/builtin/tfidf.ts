import { FEATURE_COUNT, type SparseVector } from "./text-features.js";

/**
 * Sublinear TF-IDF with L2 normalisation, fitted on the training documents. Features seen in fewer than
 * `minDocFrequency` training documents are dropped unless they come from the shipped seed examples: a name or an
 * address shared by two confirmed documents says who wrote them, not what kind of document they are.
 */
export class TfIdf {
  private constructor(
    /** 0 where a feature is not used. */
    private readonly idf: Float32Array,
    readonly size: number,
  ) {}

  static fit(
    documents: readonly Map<number, number>[],
    options: { minDocFrequency: number; alwaysKeep?: ReadonlySet<number> },
  ): TfIdf {
    const frequency = new Uint32Array(FEATURE_COUNT);
    for (const counts of documents) {
      for (const feature of counts.keys()) frequency[feature] = (frequency[feature] ?? 0) + 1;
    }
    const total = documents.length;
    const idf = new Float32Array(FEATURE_COUNT);
    let size = 0;
    for (let feature = 0; feature < FEATURE_COUNT; feature += 1) {
      const df = frequency[feature] ?? 0;
      if (df === 0 || (df < options.minDocFrequency && !options.alwaysKeep?.has(feature))) continue;
      idf[feature] = Math.log((1 + total) / (1 + df)) + 1;
      size += 1;
    }
    return new TfIdf(idf, size);
  }

  transform(counts: Map<number, number>): SparseVector {
    const indices = new Int32Array(counts.size);
    const values = new Float64Array(counts.size);
    let used = 0;
    let norm = 0;
    for (const [feature, count] of counts) {
      const idf = this.idf[feature] ?? 0;
      if (idf === 0) continue;
      const weight = (1 + Math.log(count)) * idf;
      indices[used] = feature;
      values[used] = weight;
      used += 1;
      norm += weight * weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < used; j += 1) values[j] = (values[j] ?? 0) * scale;
    return { indices: indices.subarray(0, used), values: values.subarray(0, used) };
  }
}

import type { FormatExtractor } from "./format-extractor.js";
import type { DetectedType } from "./types.js";

export interface ExtractorRegistry {
  readonly extractors: readonly FormatExtractor[];
  /** The extractor with the highest positive score for the type, if any. */
  pick(type: DetectedType): FormatExtractor | undefined;
}

export function createRegistry(extractors: readonly FormatExtractor[]): ExtractorRegistry {
  const names = new Set<string>();
  for (const { name } of extractors) {
    if (names.has(name)) throw new Error(`duplicate extractor name "${name}"`);
    names.add(name);
  }
  return {
    extractors,
    pick(type) {
      let best: FormatExtractor | undefined;
      let bestScore = 0;
      for (const extractor of extractors) {
        const score = extractor.score(type);
        if (score > bestScore) {
          best = extractor;
          bestScore = score;
        }
      }
      return best;
    },
  };
}

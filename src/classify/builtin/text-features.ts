/** Feature space size: hashed features keep the model a fixed, small size whatever the vocabulary. */
export const FEATURE_BITS = 18;
export const FEATURE_COUNT = 1 << FEATURE_BITS;

/** Only the start of a document is read: titles, senders and headings say the most about its kind. */
export const MAX_FEATURE_CHARS = 2000;
const CHAR_GRAM = 5;

/** A sparse vector: unique feature indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** Lower-case, accents folded: "Rechnungsempfänger" and "RECHNUNGSEMPFANGER" look the same. */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Words of two or more characters; pure numbers are dropped and digits inside words are blurred. */
export function words(text: string): string[] {
  const found = foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return found.filter((w) => w.length >= 2 && !/^\d+$/.test(w)).map((w) => w.replace(/\d/g, "0"));
}

/**
 * Word features plus character 5-grams of each word, so German compounds and inflected forms share features
 * ("rechnungsnummer" and "rechnung"). Returns raw counts per hashed feature.
 */
export function countFeatures(text: string, name = ""): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (index: number) => counts.set(index, (counts.get(index) ?? 0) + 1);
  for (const word of featureWords(text, name)) for (const index of wordFeatures(word)) add(index);
  return counts;
}

/** The words the features are made of: the file name and the start of the text. */
export function featureWords(text: string, name = ""): string[] {
  return words(`${name}\n${text.slice(0, MAX_FEATURE_CHARS)}`);
}

/** The hashed features one word contributes: the word itself and its character 5-grams. */
export function wordFeatures(word: string): number[] {
  const features = [hashRange(WORD_BASIS, word, 0, word.length)];
  const padded = `_${word}_`;
  for (let i = 0; i + CHAR_GRAM <= padded.length; i += 1) {
    features.push(hashRange(GRAM_BASIS, padded, i, i + CHAR_GRAM));
  }
  return features;
}

/** Different starting values keep the word "kasse" and the 5-gram "kasse" apart. */
const WORD_BASIS = 0x811c9dc5;
const GRAM_BASIS = 0x050c5d1f;

/** FNV-1a, 32 bit, over text[start, end), folded into the feature space. */
function hashRange(basis: number, text: string, start: number, end: number): number {
  let hash = basis;
  for (let i = start; i < end; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (FEATURE_COUNT - 1);
}

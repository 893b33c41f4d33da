/** A cheap language guess from stop words: good enough to pick date/number conventions, not a classifier. */

const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: "the and of to for is in with your this please are be on we you our by from will that it at as or all".split(
    " ",
  ),
  de: "der die das und ist nicht mit für sie wir ihre bitte den dem ein eine zu auf von bei sehr geehrte ich im des auch oder wird nach zur zum uns über".split(
    " ",
  ),
  fr: "le la les et des est pour une du vous nous avec dans sur par au votre pas ce qui de à en il sont nos cette aux".split(
    " ",
  ),
  nl: "de het een en van voor niet met zijn wij uw graag op te bij aan ook dit deze naar wordt worden onze".split(
    " ",
  ),
};

const LOOKUP: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [language, words] of Object.entries(STOP_WORDS)) {
    for (const word of words) map.set(word, [...(map.get(word) ?? []), language]);
  }
  return map;
})();

/** ISO 639-1 code (en, de, fr, nl) or undefined when the text is too short or too mixed to tell. */
export function detectLanguage(text: string): string | undefined {
  const words =
    text
      .slice(0, 20_000)
      .toLowerCase()
      .match(/\p{L}+/gu) ?? [];
  const counts = new Map<string, number>();
  for (const word of words) {
    for (const language of LOOKUP.get(word) ?? []) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] < 3) return undefined;
  if (second && first[1] < 1.3 * second[1]) return undefined;
  return first[0];
}

import { createRequire } from "node:module";
import type cliTruncate from "cli-truncate";
import type stringWidth from "string-width";

export interface TextWidth {
  /** Columns a string takes on a terminal: wide characters count 2, colour codes 0 (string-width). */
  width: typeof stringWidth;
  /** Cut to at most `columns`, with `…` where the text was cut (cli-truncate). */
  truncate: typeof cliTruncate;
}

let loaded: TextWidth | undefined;

function load(): TextWidth {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const width = (require("string-width") as { default: typeof stringWidth }).default;
    const truncate = (require("cli-truncate") as { default: typeof cliTruncate }).default;
    loaded = { width, truncate };
  }
  return loaded;
}

/**
 * Characters that each take one column, as string-width measures them: printable ASCII, Latin-1 and Latin Extended
 * (without the soft hyphen), Greek, Cyrillic, general punctuation (– “ ” …), arrows (→) and box drawing. A text of
 * these alone is measured by its length, without loading string-width.
 */
const NARROW =
  /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u257f]*$/;

const lazy: TextWidth = {
  width: (text, options) =>
    options === undefined && NARROW.test(text) ? text.length : load().width(text, options),
  truncate: (text, columns, options) => load().truncate(text, columns, options),
};

/**
 * string-width and cli-truncate, loaded on first use: string-width builds an Intl.Segmenter (ICU data) as it loads,
 * which commands that print no table or live line (`--help`, `config`, `watch` in a pipe) should not pay for, nor
 * a table of narrow characters (measured by its length). Both are ES modules; Node ≥ 20.19 loads them synchronously with
 * require().
 */
export function textWidth(): TextWidth {
  return lazy;
}

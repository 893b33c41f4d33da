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

/** Printable ASCII only: one column per character, nothing for string-width to work out. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

const lazy: TextWidth = {
  width: (text, options) => (PLAIN_ASCII.test(text) ? text.length : load().width(text, options)),
  truncate: (text, columns, options) => load().truncate(text, columns, options),
};

/**
 * string-width and cli-truncate, loaded on first use: string-width builds an Intl.Segmenter (ICU data) as it loads,
 * which commands that print no table or live line (`--help`, `config`, `watch` in a pipe) should not pay for, nor
 * a table of plain ASCII (measured by its length). Both are ES modules; Node ≥ 20.19 loads them synchronously with
 * require().
 */
export function textWidth(): TextWidth {
  return lazy;
}

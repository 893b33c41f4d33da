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

/**
 * string-width and cli-truncate, loaded on first use: string-width builds an Intl.Segmenter (ICU data) as it loads,
 * which commands that print no table or live line (`--help`, `config`, `watch` in a pipe) should not pay for. Both
 * are ES modules; Node ≥ 20.19 loads them synchronously with require().
 */
export function textWidth(): TextWidth {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const width = (require("string-width") as { default: typeof stringWidth }).default;
    const truncate = (require("cli-truncate") as { default: typeof cliTruncate }).default;
    loaded = { width, truncate };
  }
  return loaded;
}

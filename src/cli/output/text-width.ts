import type cliTruncate from "cli-truncate";

export interface TextWidth {
  /** Columns a string takes on a terminal: wide characters count 2, colour codes 0 (string-width). */
  width(text: string): number;
  /** Cut to at most `columns`, with `…` where the text was cut (cli-truncate). */
  truncate: typeof cliTruncate;
}

let loaded: TextWidth | undefined;

/**
 * Loads the width measuring and cutting libraries. Only output for a terminal needs them, and string-width builds
 * an Intl.Segmenter (ICU data) as it loads — tens of milliseconds a piped `docsort list` or `--help` should not
 * pay — so the CLI loads them once, before the command, only when stdout or stderr is a terminal.
 */
export async function loadTextWidth(): Promise<TextWidth> {
  if (!loaded) {
    const [{ default: width }, { default: truncate }] = await Promise.all([
      import("string-width"),
      import("cli-truncate"),
    ]);
    loaded = { width, truncate };
  }
  return loaded;
}

/** The libraries, if {@link loadTextWidth} has run. */
export function textWidth(): TextWidth | undefined {
  return loaded;
}

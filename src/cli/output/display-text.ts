/**
 * Strings that come from documents (file names, e-mail subjects, reasons, model answers) are untrusted: printed as
 * they are, a name holding ESC [ 2 J clears the screen, ESC ] 0 ; … retitles the window, a carriage return
 * overwrites the line before it, and U+202E reverses what follows. On a terminal docsort shows them escaped.
 *
 * Escaped: C0 controls (U+0000–U+001F), DEL (U+007F), C1 controls (U+0080–U+009F; U+009B is a one-byte CSI), the
 * Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
 * separators (U+2028, U+2029). Sources: ECMA-48 §5 (control functions), Unicode UAX #9 (bidi controls).
 */

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

const BIDI_AND_SEPARATORS = "\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
// Without the u flag: every character escaped is in the BMP (a surrogate half matches none of them), and a
// non-Unicode pattern scans a one-byte string faster (every cell of a table goes through it).
const VALUE_CONTROLS = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, "g");
/**
 * Like VALUE_CONTROLS but newline and tab stay, and SGR colour sequences (what picocolors writes; ECMA-48 §8.3.117,
 * CSI Ps ; … m) are kept whole by {@link displayText}.
 */
const TEXT_CONTROLS = new RegExp(
  `\\u001b\\[[0-9;]*m|[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`,
  "gu",
);

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * One value on one line: every control character escaped, newlines and tabs included (`a\nb` → `a\\nb`,
 * ESC → `\\x1b`, U+202E → `\\u202e`). Idempotent: the result has no control characters left.
 */
export function displayValue(text: string): string {
  return text.replace(VALUE_CONTROLS, escapeOne);
}

/**
 * Whole lines of output: newlines, tabs and SGR colours stay, every other control character is escaped. The last
 * line of defence for everything docsort writes to a terminal.
 */
export function displayText(text: string): string {
  return text.replace(TEXT_CONTROLS, (match) => (match.length > 1 ? match : escapeOne(match)));
}

import { describe, expect, it } from "vitest";
import { displayValue } from "../../../src/cli/output/display-text.js";

/** The characters displayValue escapes, as a Unicode-aware pattern: what it has to match exactly. */
const C0_DEL_C1 = "\\u0000-\\u001f\\u007f-\\u009f";
const REFERENCE = new RegExp(
  `[${C0_DEL_C1}\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]`,
  "gu",
);

describe("displayValue", () => {
  it("escapes exactly the control, bidi and separator characters, astral text and lone surrogates kept", () => {
    const texts: string[] = [];
    for (let code = 0; code <= 0x2100; code += 1) texts.push(`a${String.fromCodePoint(code)}b`);
    texts.push(
      "📄 Rechnung\u202e.pdf",
      "\ud83d",
      "\udcc4x",
      "x\ud83d\u2066",
      "請求書\u0085",
      "tab\there\nnext",
    );
    for (const text of texts) {
      const expected = text.replace(REFERENCE, "\u0000").split("\u0000").length - 1;
      const shown = displayValue(text);
      expect(shown.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])/g, "\u0000").split("\u0000").length - 1).toBe(
        expected,
      );
      expect(displayValue(shown)).toBe(shown);
    }
    expect(displayValue("a\u202eb\n")).toBe("a\\u202eb\\n");
  });
});

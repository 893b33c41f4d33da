import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { textWidth } from "../../../src/cli/output/text-width.js";

/** Every code point of the ranges text-width measures by length, and their neighbours just outside. */
const RANGES: [number, number][] = [
  [0x00, 0x37f],
  [0x370, 0x48f],
  [0x2000, 0x2070],
  [0x2180, 0x2210],
  [0x24f0, 0x2590],
];

describe("textWidth", () => {
  it("measures every character as string-width does, with or without its fast path", () => {
    const { width } = textWidth();
    const differ: string[] = [];
    for (const [from, to] of RANGES) {
      for (let code = from; code <= to; code += 1) {
        const text = `a${String.fromCodePoint(code)}→é`;
        if (width(text) !== stringWidth(text)) differ.push(code.toString(16));
      }
    }
    expect(differ).toEqual([]);
  });

  it("counts wide characters, combining marks and the soft hyphen as string-width does", () => {
    const { width } = textWidth();
    for (const text of ["請求書 2025", "e\u0301te\u0301", "Rech\u00adnung", "📄 invoice", "tab\there"])
      expect(width(text)).toBe(stringWidth(text));
    expect(width("請求書")).toBe(6);
  });
});

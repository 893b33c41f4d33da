import { describe, expect, it } from "vitest";
import { findPassage } from "../../src/serve/pages/quote-passage.js";

const TEXT = "ACME GmbH\nRechnung Nr. HR-2025-0417\n\nGesamtbetrag:   4.279,42 €\nZahlbar bis 26.03.2025";

describe("finding the evidence quote in the text", () => {
  it("finds it across line breaks and in any case, with context around it", () => {
    expect(findPassage(TEXT, "rechnung nr. hr-2025-0417 gesamtbetrag", 10)).toEqual({
      before: "ACME GmbH\n",
      quote: "Rechnung Nr. HR-2025-0417\n\nGesamtbetrag",
      after: ":   4.279,…",
    });
  });

  it("treats the quote as text, never as a pattern", () => {
    expect(findPassage("costs (net) 4.279,42 € [incl.]", "(net) 4.279,42 € [incl.]")?.quote).toBe(
      "(net) 4.279,42 € [incl.]",
    );
    expect(findPassage(TEXT, ".*")).toBeUndefined();
  });

  it("says when the quote is not in the text", () => {
    expect(findPassage(TEXT, "Total due 119.00")).toBeUndefined();
    expect(findPassage(TEXT, "   ")).toBeUndefined();
  });
});

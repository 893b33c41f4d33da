const TOTAL_LINE =
  /\b(total|amount due|balance due|gesamt\w*|summe|rechnungsbetrag|zu zahlen\w*|endbetrag|montant|net à payer|à payer|ttc)\b/i;
const AMOUNT = /-?[$€£]?\d{1,3}(?:[.,'’ \u00a0]\d{3})*(?:[.,]\d{2})|-?[$€£]?\d+(?:[.,]\d{2})/g;

/**
 * The largest amount on a line that names a total ("TOTAL DUE", "Gesamtbetrag", "Total TTC"): good enough to put
 * big invoices first in the review queue, whatever the number format (1,234.56 · 1.234,56 · 1 234,56 · 1’234.56).
 */
export function invoiceTotal(text: string): number | null {
  let best: number | null = null;
  for (const line of text.split("\n")) {
    if (!TOTAL_LINE.test(line)) continue;
    for (const match of line.match(AMOUNT) ?? []) {
      const value = parseAmount(match);
      if (value !== null && (best === null || Math.abs(value) > Math.abs(best))) best = value;
    }
  }
  return best;
}

export function parseAmount(raw: string): number | null {
  const compact = raw.replace(/[\s\u00a0'’$€£]/g, "");
  const decimal = /[.,](\d{2})$/.exec(compact);
  const whole = decimal ? compact.slice(0, -3) : compact;
  const digits = whole.replace(/[.,]/g, "");
  const value = Number(`${digits}${decimal ? `.${decimal[1]}` : ""}`);
  return Number.isFinite(value) ? value : null;
}

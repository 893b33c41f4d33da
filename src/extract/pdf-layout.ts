/** Turns pdf.js text items into reading order: top to bottom, then left to right (not stream order). */

export interface PositionedText {
  str: string;
  /** Left edge and baseline in viewport space (origin top-left, y grows downwards). */
  x: number;
  y: number;
  width: number;
  /** Font size, in the same units. */
  size: number;
}

export function layoutText(items: readonly PositionedText[]): string {
  const lines = groupLines(items.filter((item) => item.str.length > 0));
  const out: string[] = [];
  let previous: Line | undefined;
  for (const line of lines) {
    if (previous && line.y - previous.y > 1.9 * Math.max(previous.size, line.size)) out.push("");
    out.push(joinLine(line.items));
    previous = line;
  }
  return out.join("\n");
}

interface Line {
  y: number;
  size: number;
  items: PositionedText[];
}

function groupLines(items: readonly PositionedText[]): Line[] {
  const sorted = [...items].sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: Line[] = [];
  for (const item of sorted) {
    const line = lines[lines.length - 1];
    // Same line when baselines are closer than half a glyph (superscripts and mixed sizes stay together).
    if (line && Math.abs(item.y - line.y) <= 0.5 * Math.max(Math.min(line.size, item.size), 1)) {
      line.items.push(item);
      line.size = Math.max(line.size, item.size);
    } else lines.push({ y: item.y, size: item.size, items: [item] });
  }
  for (const line of lines) line.items.sort((a, b) => a.x - b.x);
  return lines;
}

function joinLine(items: readonly PositionedText[]): string {
  let text = "";
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const gap = item.x - end;
    if (text !== "" && !/\s$/.test(text) && !/^\s/.test(item.str)) {
      if (gap > 2.5 * item.size) text += "   ";
      else if (gap > 0.15 * item.size) text += " ";
    }
    text += item.str;
    end = Math.max(end, item.x + item.width);
  }
  return text.replace(/\s+$/, "");
}

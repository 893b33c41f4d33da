import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { syntheticDocument } from "./synthetic-documents.js";

/**
 * Image-only documents that need OCR: a synthetic document's text rendered onto an A4 page at 150 dpi
 * (1240 px wide, as tall as the text needs; PNG), with @napi-rs/canvas and the system's sans-serif font.
 */
export function writeScans(
  dir: string,
  count: number,
  options: { ageMs?: number; first?: number } = {},
): string[] {
  mkdirSync(dir, { recursive: true });
  const when = options.ageMs === undefined ? undefined : new Date(Date.now() - options.ageMs);
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const doc = syntheticDocument((options.first ?? 50_000) + i);
    const lines = doc.text.split("\n");
    // an A4 width at 150 dpi, cut below the text: OCR time grows with the page area
    const canvas = createCanvas(1240, 140 + lines.length * 46 + 100);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = "#111111";
    context.font = "28px sans-serif";
    for (const [line, text] of lines.entries()) context.fillText(text, 90, 140 + line * 46);
    const name = doc.name.replace(/\.txt$/, "-scan.png");
    const file = path.join(dir, name);
    writeFileSync(file, canvas.toBuffer("image/png"));
    if (when) utimesSync(file, when, when);
    names.push(name);
  }
  return names;
}

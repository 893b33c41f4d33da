import { createHash } from "node:crypto";
import { CLIENT_SCRIPT } from "./client-script.js";
import { STYLES } from "./styles.js";

export interface AssetNames {
  js: string;
  css: string;
}

export interface Asset {
  body: string;
  type: string;
}

/**
 * The review app's only script and style sheet, served from memory under names that carry their content hash
 * (cached for a year). Requests name an asset; no path from a request ever reaches the file system.
 */
export function buildAssets(): { names: AssetNames; byName: ReadonlyMap<string, Asset> } {
  const js = `app-${hash(CLIENT_SCRIPT)}.js`;
  const css = `app-${hash(STYLES)}.css`;
  return {
    names: { js, css },
    byName: new Map([
      [js, { body: CLIENT_SCRIPT, type: "text/javascript; charset=utf-8" }],
      [css, { body: STYLES, type: "text/css; charset=utf-8" }],
    ]),
  };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

import path from "node:path";
import filenamify from "filenamify";

export const TEMPLATE_VARIABLES = [
  "category",
  "yyyy",
  "mm",
  "dd",
  "date",
  "vendor",
  "invoice_number",
  "currency",
  "name",
  "ext",
  "id",
  "sha8",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null | undefined>>;

const PLACEHOLDER = /\{([a-z_0-9]+)\}/g;
const MAX_SEGMENT_BYTES = 200;
export const DEFAULT_MAX_VALUE_CHARS = 80;

/** Why a template cannot be used, or undefined: checked when a handler is added, not when a file arrives. */
export function templateProblem(template: string): string | undefined {
  if (template.trim() === "") return "the template is empty";
  if (path.isAbsolute(template) || /^[a-zA-Z]:/.test(template) || template.startsWith("/"))
    return "the template must be a relative path (it is placed below root)";
  if (template.includes("\\")) return 'use "/" to separate folders';
  for (const segment of template.split("/")) {
    if (segment === "") return "the template has an empty folder name (//, or a leading or trailing /)";
    if (segment === "." || segment === "..") return 'the template may not contain "." or ".." folders';
  }
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name))
      return `unknown variable {${name}} (known: ${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(", ")})`;
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ""))) return "a { or } that is not part of a {variable}";
  return undefined;
}

/**
 * A value becomes one safe path piece: no separators, no `..`, no control or invisible characters, no names the
 * OS reserves, at most `maxChars` characters; an empty value becomes "unknown".
 */
export function sanitiseValue(
  value: string | number | null | undefined,
  maxChars = DEFAULT_MAX_VALUE_CHARS,
): string {
  if (value === null || value === undefined) return "unknown";
  let text = String(value)
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/[/\\]/g, "-")
    .replace(/\.{2,}/g, ".")
    .trim();
  text = filenamify(text, { replacement: "_", maxLength: 255 });
  // no hidden files, nothing a shell tool could read as an option, no dot at the end (Windows drops it)
  text = [...text.replace(/^[.\s-]+/, "")]
    .slice(0, maxChars)
    .join("")
    .replace(/[.\s]+$/, "");
  return /^[._\s-]*$/.test(text) ? "unknown" : text;
}

/** `.PDF` stays `.PDF`; anything that is not a short extension becomes "". */
export function sanitiseExtension(ext: string | null | undefined): string {
  return ext && /^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : "";
}

/** Fills the template; each value is sanitised, so it can never add a folder or leave the root. */
export function renderPathTemplate(
  template: string,
  values: TemplateValues,
  maxChars = DEFAULT_MAX_VALUE_CHARS,
): string {
  const problem = templateProblem(template);
  if (problem) throw new Error(`invalid path template "${template}": ${problem}`);
  const segments = template.split("/").map((segment) => {
    const filled = segment.replace(PLACEHOLDER, (_, name: TemplateVariable) =>
      name === "ext" ? sanitiseExtension(String(values.ext ?? "")) : sanitiseValue(values[name], maxChars),
    );
    return capSegment(filled.replace(/^\.+/, "") || "unknown");
  });
  return segments.join("/");
}

/** A path piece longer than a filesystem allows is cut before its extension. */
function capSegment(segment: string): string {
  if (Buffer.byteLength(segment) <= MAX_SEGMENT_BYTES) return segment;
  const ext = path.extname(segment);
  const keep = sanitiseExtension(ext);
  let stem = segment.slice(0, segment.length - keep.length);
  while (Buffer.byteLength(stem + keep) > MAX_SEGMENT_BYTES) stem = [...stem].slice(0, -1).join("");
  return stem + keep;
}

/** root + relative, refusing anything that would end outside root. */
export function resolveInside(root: string, relative: string): string {
  const base = path.resolve(root);
  const target = path.resolve(base, relative);
  if (target === base || !target.startsWith(base + path.sep))
    throw new Error(`the path ${relative} would leave the root folder ${base}`);
  return target;
}

import { z } from "zod";
import { configFileSchema } from "./schema.js";

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** Defaults that depend on the machine are shown as what they mean, not as this machine's value. */
const DESCRIBED_DEFAULTS: Record<string, string> = {
  "extract.workers": "CPU count",
  taxonomy: "8 categories",
};

/** The configuration reference, one table row per key, made from the schema's own defaults and descriptions. */
export function configReference(): string {
  const root = z.toJSONSchema(configFileSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  const rows = leaves(root, "").map(
    ([key, node]) => `| \`${key}\` | ${defaultOf(key, node)} | ${typeOf(node)} | ${node.description ?? ""} |`,
  );
  return ["| key | default | type | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function leaves(node: JsonSchemaNode, prefix: string): [string, JsonSchemaNode][] {
  if (node.properties && node.type === "object") {
    return Object.entries(node.properties).flatMap(([key, child]) =>
      leaves(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  const item = node.type === "array" ? node.items : undefined;
  if (item?.properties && item.type === "object") return [[prefix, node], ...leaves(item, `${prefix}[]`)];
  return [[prefix, node]];
}

function defaultOf(key: string, node: JsonSchemaNode): string {
  const described = DESCRIBED_DEFAULTS[key];
  if (described) return described;
  if (node.default === undefined) return "—";
  return `\`${JSON.stringify(node.default)}\``;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(" \\| ");
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "values"}`;
  const base = Array.isArray(node.type) ? node.type.join(" or ") : (node.type ?? "any");
  return `${base}${rangeOf(node)}`;
}

/** zod gives every integer ±MAX_SAFE_INTEGER bounds; only real limits are worth printing. */
function rangeOf(node: JsonSchemaNode): string {
  const real = (n: number | undefined) =>
    n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;
  const min = real(node.minimum);
  const max = real(node.maximum);
  const above = real(node.exclusiveMinimum);
  if (above !== undefined) return max === undefined ? ` > ${above}` : ` > ${above}, ≤ ${max}`;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max === undefined ? "" : ` ≤ ${max}`;
}

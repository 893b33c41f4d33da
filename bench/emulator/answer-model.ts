import type { PromptMessage } from "./llama3-tokens.js";

/** The parts of an /api/chat request an answer depends on. */
export interface ChatRequest {
  model: string;
  messages: PromptMessage[];
  /** undefined, "json", or a JSON Schema object (Ollama's `format`). */
  format: unknown;
  options: Record<string, unknown>;
}

export type ModelAnswer = { content: string } | { status: number; error: string };

/** What the emulated model answers: deterministic, from what the request really contains. */
export type AnswerModel = (request: ChatRequest) => ModelAnswer;

/** A classifier's opinion about the document text it was shown. */
export interface Verdict {
  category: string;
  confidence: number;
  /** A one-line description, as long as a model writes it when nothing limits it (about 20 words). */
  summary: string;
  /** A quote from the text (about 15 words). */
  evidence: string;
}

/** Classifies the document text that was actually sent; `categories` are the schema's enum values. */
export type TextClassifier = (documentText: string, categories: readonly string[]) => Verdict;

/** Answers a request whose schema is not a classification (e.g. invoice fields); undefined = fill the schema. */
export type OtherAnswer = (documentText: string, format: JsonSchema) => Record<string, unknown> | undefined;

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** The document inside a prompt: the text between the last <document> fence, else the whole last user message. */
export function sentDocument(messages: readonly PromptMessage[]): string {
  const prompt = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const start = prompt.lastIndexOf("<document>");
  const end = prompt.lastIndexOf("</document>");
  if (start >= 0 && end > start) return prompt.slice(start + "<document>".length, end).trim();
  return prompt;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema's `category` enum, when the request is a classification. */
export function categoriesOf(format: unknown): string[] | undefined {
  if (!isSchema(format)) return undefined;
  const values = format.properties?.category?.enum;
  return values?.every((v): v is string => typeof v === "string") ? values : undefined;
}

/** Whether a request asks for a classification, invoice fields, or something else (for per-kind accounting). */
export function requestKind(format: unknown): "classify" | "invoice" | "other" {
  if (categoriesOf(format)) return "classify";
  return isSchema(format) && format.properties && "vendor" in format.properties ? "invoice" : "other";
}

/**
 * A model that answers in the requested JSON Schema, in the schema's property order, the way grammar-constrained
 * decoding does: enum values from the classifier's verdict, strings cut at `maxLength`, numbers within bounds.
 * The classifier only sees the document text of the prompt, so text that is not sent cannot help the answer.
 */
export function schemaAnswerModel(classify: TextClassifier, other?: OtherAnswer): AnswerModel {
  return (request) => {
    const text = sentDocument(request.messages);
    const categories = categoriesOf(request.format);
    if (!isSchema(request.format)) {
      return { status: 400, error: "the emulator answers structured requests only (a JSON Schema format)" };
    }
    if (categories) {
      const verdict = classify(text, categories);
      return { content: JSON.stringify(fillSchema(request.format, verdict, "")) };
    }
    const answer = other?.(text, request.format);
    return { content: JSON.stringify(answer ?? fillSchema(request.format, undefined, "")) };
  };
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  return (schema.anyOf ?? []).flatMap(typesOf);
}

function fillSchema(schema: JsonSchema, verdict: Verdict | undefined, key: string): unknown {
  const types = typesOf(schema);
  if (schema.enum) {
    const wanted = key === "category" ? verdict?.category : undefined;
    return schema.enum.includes(wanted) ? wanted : schema.enum[0];
  }
  if (types.includes("object") || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      out[name] = fillSchema(property, verdict, name);
    }
    return out;
  }
  if (types.includes("number") || types.includes("integer")) {
    const value = key === "confidence" && verdict ? verdict.confidence : undefined;
    if (value === undefined && types.includes("null")) return null;
    const low = schema.minimum ?? Number.NEGATIVE_INFINITY;
    const high = schema.maximum ?? Number.POSITIVE_INFINITY;
    return Math.min(high, Math.max(low, value ?? 0));
  }
  if (types.includes("string")) {
    const text = stringFor(key, verdict);
    if (text === undefined && types.includes("null")) return null;
    return schema.maxLength === undefined ? (text ?? "") : (text ?? "").slice(0, schema.maxLength);
  }
  if (types.includes("array")) return [];
  if (types.includes("boolean")) return false;
  return null;
}

function stringFor(key: string, verdict: Verdict | undefined): string | undefined {
  if (!verdict) return undefined;
  if (key === "summary") return verdict.summary;
  if (key === "evidence" || key === "quote") return verdict.evidence;
  return undefined;
}

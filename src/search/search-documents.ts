import type { DocumentStatus } from "../store/document-status.js";
import { type DocumentRow, HIT_END, HIT_START, SearchRepo } from "../store/search-repo.js";
import type { Store } from "../store/store.js";
import { toMatchExpression } from "./parse-query.js";

export interface SearchFilters {
  category?: string | undefined;
  status?: DocumentStatus | undefined;
  /** Added on or after this day (YYYY-MM-DD). */
  from?: string | undefined;
  /** Added on or before this day (YYYY-MM-DD). */
  to?: string | undefined;
  /** Part of an invoice's vendor name. */
  vendor?: string | undefined;
}

export interface SearchRequest extends SearchFilters {
  /** What the person typed; empty or absent lists documents without searching text. */
  query?: string | undefined;
  limit: number;
  offset: number;
}

/** A piece of a snippet; `hit` marks the words that matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface DocumentHit extends Omit<DocumentRow, "snippet"> {
  /** With a query: the passage around the best match, split at the matched words. */
  snippet: SnippetPart[] | null;
}

export interface SearchResult {
  items: DocumentHit[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * Documents whose extracted text matches `query` (FTS5, best first, with a snippet), narrowed by the filters;
 * without a query, the filtered documents, newest first. A query with nothing searchable in it finds nothing.
 */
export function searchDocuments(store: Store, request: SearchRequest): SearchResult {
  const { query, limit, offset, ...filters } = request;
  const text = query?.trim() ?? "";
  const match = text === "" ? undefined : toMatchExpression(text);
  if (text !== "" && match === undefined) return { items: [], total: 0, limit, offset };
  const page = new SearchRepo(store.db).find({ ...filters, match, limit, offset });
  return {
    items: page.rows.map((row) => ({
      ...row,
      snippet: row.snippet === null ? null : splitSnippet(row.snippet),
    })),
    total: page.total,
    limit,
    offset,
  };
}

/** "…the \uE000total\uE001 due…" → parts, so every front end highlights without parsing markup. */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = snippet.replace(/\s+/g, " ");
  while (rest.length > 0) {
    const start = rest.indexOf(HIT_START);
    if (start < 0) {
      parts.push({ text: rest, hit: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), hit: false });
    const end = rest.indexOf(HIT_END, start);
    const stop = end < 0 ? rest.length : end;
    parts.push({ text: rest.slice(start + 1, stop), hit: true });
    rest = rest.slice(stop + 1);
  }
  return mergeAdjacent(parts);
}

function mergeAdjacent(parts: SnippetPart[]): SnippetPart[] {
  const merged: SnippetPart[] = [];
  for (const part of parts) {
    if (part.text === "") continue;
    const previous = merged.at(-1);
    if (previous && previous.hit === part.hit) previous.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

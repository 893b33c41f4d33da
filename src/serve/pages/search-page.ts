import { html } from "hono/html";
import type { SearchResult } from "../../search/search-documents.js";
import { DOCUMENT_STATUSES } from "../../store/document-status.js";
import { confidence, type Html, statusBadge, when } from "./layout.js";

export interface SearchForm {
  q: string;
  category: string;
  status: string;
  from: string;
  to: string;
  vendor: string;
}

/** Search over every document's text, with filters; without words it lists documents, newest first. */
export function searchPage(form: SearchForm, result: SearchResult, categories: readonly string[]): Html {
  const option = (value: string, selected: string) =>
    html`<option value="${value}"${value === selected ? html` selected` : ""}>${value === "" ? "any" : value.replace("_", " ")}</option>`;
  return html`<h1>Search</h1>
  <form class="search" method="get" action="/search" role="search">
    <label class="wide">Words <input type="search" name="q" value="${form.q}" placeholder="e.g. HR-2025-0417 or &quot;total due&quot;" autofocus></label>
    <label>Category <select name="category">${["", ...categories].map((c) => option(c, form.category))}</select></label>
    <label>Status <select name="status">${["", ...DOCUMENT_STATUSES].map((s) => option(s, form.status))}</select></label>
    <label>Added from <input type="date" name="from" value="${form.from}"></label>
    <label>to <input type="date" name="to" value="${form.to}"></label>
    <label>Vendor <input name="vendor" value="${form.vendor}"></label>
    <button type="submit" class="primary">Search</button>
  </form>
  <p class="muted" data-testid="result-count">${result.total === 0 ? "Nothing found." : `${result.total} document${result.total === 1 ? "" : "s"}${form.q ? " match" : ""}`}</p>
  <ol class="results" start="${result.offset + 1}">${result.items.map(
    (item) => html`<li>
      <a href="/documents/${item.id}">#${item.id} ${item.name}</a> ${statusBadge(item.status)}
      ${item.category ? html`<span class="badge">${item.category}</span> ${confidence(item.confidence)}` : ""}
      ${item.vendor ? html`<span class="muted">${item.vendor}</span>` : ""}
      <span class="muted small">${when(item.createdAt)}</span>
      ${item.snippet ? html`<p class="snippet">${item.snippet.map((part) => (part.hit ? html`<mark>${part.text}</mark>` : part.text))}</p>` : ""}
    </li>`,
  )}</ol>
  ${pager(form, result)}`;
}

function pager(form: SearchForm, result: SearchResult): Html {
  const link = (offset: number, label: string) => {
    const params = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ""));
    params.set("offset", String(offset));
    return html`<a href="/search?${params.toString()}">${label}</a>`;
  };
  const previous = result.offset > 0 ? link(Math.max(0, result.offset - result.limit), "← previous") : "";
  const next =
    result.offset + result.limit < result.total ? link(result.offset + result.limit, "next →") : "";
  return previous || next ? html`<nav class="pager" aria-label="pages">${previous} ${next}</nav>` : "";
}

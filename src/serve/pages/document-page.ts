import { html } from "hono/html";
import type { DocumentDetails } from "../../review/document-details.js";
import { confidence, type Html, statusBadge, when } from "./layout.js";

const TEXT_CHARS = 20_000;
const PAGES_SHOWN = 20;

/** One document: its pages, text, classification history, events, runs and relations. */
export function documentPage(details: DocumentDetails, text: string, pageImages: number): Html {
  const d = details.document;
  const current = details.classifications.at(-1);
  const pages = Array.from({ length: Math.min(pageImages, PAGES_SHOWN) }, (_, i) => i + 1);
  return html`<article class="document">
  <h1>#${d.id} ${d.name} ${statusBadge(d.status)}</h1>
  ${d.reason ? html`<p class="why">${d.reason}</p>` : ""}
  <dl class="facts">
    <dt>Category</dt><dd>${current ? html`<strong>${current.category}</strong> ${confidence(current.confidence)} <span class="muted">(${current.source})</span>` : html`<span class="muted">none</span>`}</dd>
    <dt>File</dt><dd><span class="path">${d.path}</span> · ${d.size} bytes${d.mime ? ` · ${d.mime}` : ""} · <a href="/api/v1/documents/${d.id}/file">download</a></dd>
    <dt>Added</dt><dd>${when(d.createdAt)} UTC</dd>
    ${details.parent ? html`<dt>Inside</dt><dd><a href="/documents/${details.parent.id}">#${details.parent.id} ${details.parent.name}</a></dd>` : ""}
    ${details.duplicateOf ? html`<dt>Duplicate of</dt><dd><a href="/documents/${details.duplicateOf.id}">#${details.duplicateOf.id} ${details.duplicateOf.name}</a></dd>` : ""}
    ${details.children.length > 0 ? html`<dt>Contains</dt><dd>${details.children.map((c) => html`<a href="/documents/${c.id}">#${c.id} ${c.name}</a> `)}</dd>` : ""}
    ${details.invoice ? html`<dt>Invoice</dt><dd><a href="/invoices/${details.invoice.id}">invoice #${details.invoice.id}</a> ${statusBadge(details.invoice.status)}</dd>` : ""}
  </dl>
  ${d.status === "needs_review" ? html`<p><a class="button primary" href="/review?doc=${d.id}">Review this document</a></p>` : ""}
  ${pages.length > 0 ? html`<section class="pages-all" aria-label="pages">${pages.map((n) => html`<img class="page" loading="lazy" src="/api/v1/documents/${d.id}/pages/${n}" alt="Page ${n} of ${d.name}">`)}</section>` : ""}
  ${
    details.extraction
      ? html`<h2>Text <span class="muted small">${details.extraction.chars} characters, ${details.extraction.method}</span></h2>
      ${details.extraction.warnings.map((w) => html`<p class="warning">${w}</p>`)}
      <pre class="text">${text.slice(0, TEXT_CHARS)}${text.length > TEXT_CHARS ? "\n…" : ""}</pre>`
      : ""
  }
  <h2>Classifications</h2>
  <div class="table-wrap"><table>
    <thead><tr><th>When</th><th>Source</th><th>Category</th><th>Confidence</th><th>By</th><th>Summary / note</th></tr></thead>
    <tbody>${details.classifications.map(
      (c) =>
        html`<tr><td>${when(c.createdAt)}</td><td>${c.source}</td><td>${c.category}</td><td>${c.confidence.toFixed(2)}</td><td>${c.actor ?? c.model ?? ""}</td><td>${c.note ?? c.summary}</td></tr>`,
    )}</tbody>
  </table></div>
  ${
    details.handlerRuns.length > 0
      ? html`<h2>Handler runs</h2><div class="table-wrap"><table>
      <thead><tr><th>Run</th><th>Handler</th><th>Trigger</th><th>Status</th><th>Tries</th><th>Last error / output</th></tr></thead>
      <tbody>${details.handlerRuns.map((r) => html`<tr><td>${r.id}</td><td>${r.handlerName}</td><td>${r.trigger}</td><td>${statusBadge(r.status)}</td><td>${r.attempts}</td><td>${r.lastError ?? (r.status === "succeeded" ? (r.output ?? "") : "")}</td></tr>`)}</tbody>
    </table></div>`
      : ""
  }
  <h2>History</h2>
  <div class="table-wrap"><table class="events">
    <thead><tr><th>When</th><th>Event</th><th>Status</th><th>Message</th></tr></thead>
    <tbody>${details.events.map(
      (e) =>
        html`<tr><td>${when(e.createdAt)}</td><td>${e.type}</td><td>${e.fromStatus && e.toStatus ? `${e.fromStatus} → ${e.toStatus}` : (e.toStatus ?? "")}</td><td>${e.message ?? ""}</td></tr>`,
    )}</tbody>
  </table></div>
</article>`;
}

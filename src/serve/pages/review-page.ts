import { html } from "hono/html";
import type { ReviewCard } from "../../review/review-card.js";
import { confidence, csrfField, type Html } from "./layout.js";
import { findPassage } from "./quote-passage.js";

export interface QueueEntry {
  id: number;
  name: string;
  category: string | null;
  confidence: number | null;
  priority: boolean;
}

export interface ReviewView {
  card: ReviewCard | undefined;
  text: string;
  pageImages: number;
  page: number;
  categories: readonly string[];
  csrfToken: string;
  canUndo: boolean;
  queue: QueueEntry[];
  skipped: number;
}

const TEXT_PREVIEW_CHARS = 6000;

/** The review queue: the scan beside everything needed to decide, and a key for every decision. */
export function reviewPage(view: ReviewView): Html {
  return html`<div class="review">
  ${view.card ? reviewCard(view, view.card) : emptyQueue(view)}
  ${queueList(view)}
</div>`;
}

function reviewCard(view: ReviewView, card: ReviewCard): Html {
  return html`<section class="scan" aria-label="the document">
    ${view.pageImages > 0 ? pageImage(card, view) : html`<pre class="text">${view.text.slice(0, TEXT_PREVIEW_CHARS)}${view.text.length > TEXT_PREVIEW_CHARS ? "\n…" : ""}</pre>`}
  </section>
  <section class="card" aria-labelledby="card-title" data-document-id="${card.id}">
    <h1 id="card-title"><a href="/documents/${card.id}">#${card.id} ${card.name}</a></h1>
    <p class="why">${card.priority ? html`<span class="badge priority">★ large invoice</span> ` : ""}${card.reason}</p>
    <dl class="facts">
      <dt>Category</dt><dd><strong class="category" data-testid="category">${card.category ?? "none yet"}</strong> ${card.source ? html`<span class="muted">(${card.source})</span>` : ""}</dd>
      <dt>Confidence</dt><dd>${confidence(card.confidence)}</dd>
      ${card.summary ? html`<dt>Summary</dt><dd>${card.summary}</dd>` : ""}
    </dl>
    ${evidence(card, view.text)}
    ${
      card.alternatives.length > 0
        ? html`<h2>Alternatives</h2><ul class="alternatives">${card.alternatives.map((a) => html`<li>${a.category} <span class="muted">${a.probability.toFixed(2)}</span></li>`)}</ul>`
        : ""
    }
    ${
      card.similar.length > 0
        ? html`<h2>Similar confirmed documents</h2><ul class="similar">${card.similar.map((s) => html`<li><a href="/documents/${s.documentId}">#${s.documentId} ${s.name}</a> <span class="badge">${s.category}</span></li>`)}</ul>`
        : ""
    }
    ${actions(view, card)}
  </section>`;
}

function pageImage(card: ReviewCard, view: ReviewView): Html {
  const pages = Array.from({ length: view.pageImages }, (_, i) => i + 1);
  return html`<img class="page" src="/api/v1/documents/${card.id}/pages/${view.page}" alt="Page ${view.page} of ${card.name}">
    ${
      view.pageImages > 1
        ? html`<nav class="pages" aria-label="pages">${pages.map((n) => (n === view.page ? html`<strong>${n}</strong>` : html`<a href="/review?doc=${card.id}&amp;page=${n}">${n}</a>`))}</nav>`
        : ""
    }`;
}

function evidence(card: ReviewCard, text: string): Html {
  if (!card.evidence) return "";
  const passage = findPassage(text, card.evidence);
  if (!passage) {
    return html`<h2>Evidence</h2><blockquote class="evidence"><mark>${card.evidence}</mark></blockquote>
      <p class="muted warning">This quote is not in the document's text.</p>`;
  }
  return html`<h2>Evidence</h2><blockquote class="evidence">${passage.before}<mark>${passage.quote}</mark>${passage.after}</blockquote>`;
}

function actions(view: ReviewView, card: ReviewCard): Html {
  const keyed = view.categories.slice(0, 9);
  const rest = view.categories.slice(9);
  return html`<div class="actions" aria-label="decide">
    ${
      card.category
        ? html`<form method="post" action="/review/${card.id}/accept">${csrfField(view.csrfToken)}
          <button type="submit" class="primary" data-key="a"><kbd>a</kbd> Accept ${card.category}</button></form>`
        : ""
    }
    <form method="post" action="/review/${card.id}/set" class="categories">${csrfField(view.csrfToken)}
      ${keyed.map((category, i) => html`<button type="submit" name="category" value="${category}" data-key="${i + 1}"${category === card.category ? html` aria-pressed="true"` : ""}><kbd>${i + 1}</kbd> ${category}</button>`)}
      ${
        rest.length > 0
          ? html`<select name="category" aria-label="another category">${rest.map((c) => html`<option>${c}</option>`)}</select><button type="submit">Set</button>`
          : ""
      }
    </form>
    <form method="post" action="/review/${card.id}/skip">${csrfField(view.csrfToken)}
      <button type="submit" data-key="s"><kbd>s</kbd> Skip</button></form>
    ${undoForm(view)}
  </div>
  <p class="keys muted">Keys: <kbd>a</kbd> accept · <kbd>1</kbd>–<kbd>${keyed.length}</kbd> category · <kbd>s</kbd> skip · <kbd>u</kbd> undo · <kbd>/</kbd> search</p>`;
}

function undoForm(view: ReviewView): Html {
  return html`<form method="post" action="/review/undo">${csrfField(view.csrfToken)}
    <button type="submit" data-key="u"${view.canUndo ? "" : html` disabled`}><kbd>u</kbd> Undo</button></form>`;
}

function emptyQueue(view: ReviewView): Html {
  return html`<section class="card empty" aria-labelledby="card-title">
    <h1 id="card-title">${view.queue.length === 0 ? "Nothing to review." : "You skipped the rest."}</h1>
    <p class="muted">New documents appear on the right as they arrive.</p>
    ${
      view.skipped > 0
        ? html`<form method="post" action="/review/unskip">${csrfField(view.csrfToken)}<button type="submit">Show the ${view.skipped} skipped again</button></form>`
        : ""
    }
    <p data-live="arrivals" hidden><a href="/review">Documents are waiting — review them</a></p>
    ${undoForm(view)}
  </section>`;
}

function queueList(view: ReviewView): Html {
  return html`<aside class="queue" aria-labelledby="queue-title">
    <h2 id="queue-title">Waiting</h2>
    <ol data-live="queue">${view.queue.map(
      (entry) =>
        html`<li${entry.id === view.card?.id ? html` aria-current="true"` : ""}><a href="/review?doc=${entry.id}">#${entry.id} ${entry.name}</a> <span class="muted">${entry.category ?? "—"} ${entry.confidence === null ? "" : entry.confidence.toFixed(2)}</span></li>`,
    )}</ol>
  </aside>`;
}

import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SessionState } from "../../store/serve-sessions-repo.js";
import type { AssetNames } from "../assets/assets.js";
import { CSRF_FIELD } from "../auth/guards.js";

/** A rendered fragment; "" for nothing. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString> | "";

export type Section = "review" | "invoices" | "search" | "documents" | "none";

export interface PageFrame {
  title: string;
  section: Section;
  csrfToken: string;
  notice: SessionState["notice"];
  reviewCount: number;
  byStatus: Record<string, number>;
  assets: AssetNames;
}

const IN_PROGRESS = ["queued", "extracting", "classifying", "routing"] as const;

/** The frame of every signed-in page: navigation, the live status line, the notice of the last action. */
export function layout(frame: PageFrame, body: Html): Html {
  const current = (section: Section) => (frame.section === section ? "page" : undefined);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${frame.csrfToken}">
<title>${frame.title} · docsort</title>
<link rel="stylesheet" href="/assets/${frame.assets.css}">
<script src="/assets/${frame.assets.js}" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/review">docsort</a>
  <nav aria-label="main">
    <a href="/review" aria-current="${current("review")}">Review <span class="count" data-live="review-count">${frame.reviewCount}</span></a>
    <a href="/invoices" aria-current="${current("invoices")}">Invoices</a>
    <a href="/search" aria-current="${current("search")}">Search</a>
  </nav>
  <form class="quick-search" action="/search" method="get" role="search">
    <input type="search" name="q" placeholder="Search text  /" aria-label="Search the text of every document" data-focus-key="/">
  </form>
  <form class="signout" method="post" action="/logout">
    ${csrfField(frame.csrfToken)}<button type="submit" class="link">Sign out</button>
  </form>
</header>
<p class="status" data-live="status" aria-live="polite">${statusLine(frame.byStatus)}</p>
${frame.notice ? html`<p class="notice${frame.notice.error ? " error" : ""}" role="status">${frame.notice.text}</p>` : ""}
<main>${body}</main>
</body>
</html>`;
}

/** "3 queued · 1 classifying · 12 done · 2 need review": what the watcher is doing (kept current by the script). */
export function statusLine(byStatus: Record<string, number>): string {
  const parts = IN_PROGRESS.filter((s) => (byStatus[s] ?? 0) > 0).map((s) => `${byStatus[s]} ${s}`);
  parts.push(`${byStatus.done ?? 0} done`, `${byStatus.needs_review ?? 0} to review`);
  if ((byStatus.failed ?? 0) > 0) parts.push(`${byStatus.failed} failed`);
  if ((byStatus.quarantined ?? 0) > 0) parts.push(`${byStatus.quarantined} quarantined`);
  return parts.join(" · ");
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** A bare page (sign-in, errors) without navigation. */
export function plainPage(title: string, assets: AssetNames, body: Html, refreshTo?: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refreshTo ? html`<meta http-equiv="refresh" content="0;url=${refreshTo}">` : ""}
<title>${title} · docsort</title>
<link rel="stylesheet" href="/assets/${assets.css}">
</head>
<body class="plain"><main>${body}</main></body>
</html>`;
}

export function confidence(value: number | null): Html {
  if (value === null) return html`<span class="muted">—</span>`;
  const level = value >= 0.8 ? "high" : value >= 0.5 ? "mid" : "low";
  return html`<span class="confidence ${level}"><meter min="0" max="1" low="0.5" high="0.8" optimum="1" value="${value.toFixed(2)}"></meter> ${value.toFixed(2)}</span>`;
}

export function statusBadge(status: string): Html {
  return html`<span class="badge s-${status.replace(/[^a-z_]/g, "")}">${status.replace("_", " ")}</span>`;
}

export function when(iso: string | null): string {
  return iso ? iso.replace("T", " ").slice(0, 16) : "";
}

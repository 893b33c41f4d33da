/** The review app's style sheet: one column on a phone, the scan beside the facts from 900 px. */
export const STYLES = `
:root { color-scheme: light; --fg: #1d232b; --muted: #5d6773; --line: #d8dde3; --bg: #f6f7f9; --card: #fff;
  --accent: #1f5fbf; --accent-fg: #fff; --mark: #ffe58a; --ok: #1e7b3a; --warn: #9a5b00; --bad: #b42318; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; overflow-wrap: anywhere; }
h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
main { padding: 1rem; max-width: 1500px; margin: 0 auto; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; background: #1d232b; color: #fff; }
.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; letter-spacing: .02em; }
.top nav { display: flex; gap: .8rem; flex-wrap: wrap; }
.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: .3em; }
.count { display: inline-block; min-width: 1.5em; padding: 0 .35em; border-radius: 1em; background: #3d4754; text-align: center; font-size: .85em; }
.quick-search { flex: 1 1 12rem; }
.quick-search input { width: 100%; max-width: 26rem; }
.signout { margin-left: auto; }
button.link { background: none; border: 0; color: #fff; text-decoration: underline; padding: 0; cursor: pointer; font: inherit; }
.status { margin: 0; padding: .3rem 1rem; font-size: .85rem; color: var(--muted); background: #eceff3; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.notice { margin: .8rem 1rem 0; padding: .5rem .8rem; border-radius: 6px; background: #e7f4ea; border: 1px solid #b7dfc1; }
.notice.error { background: #fdecea; border-color: #f4c2bd; }
input, select, button, .button { font: inherit; padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); max-width: 100%; }
button, .button { cursor: pointer; display: inline-block; text-decoration: none; }
button:disabled { opacity: .45; cursor: default; }
button.primary, .button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
button[aria-pressed="true"] { border-color: var(--accent); font-weight: 600; }
kbd { font: .8em ui-monospace, monospace; padding: 0 .3em; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; background: #f3f4f6; color: var(--fg); }
.muted { color: var(--muted); }
.small { font-size: .85em; }
.warning { color: var(--warn); }
mark { background: var(--mark); color: inherit; padding: 0 .1em; }
.review, .invoice { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 900px) {
  .review { grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr) minmax(12rem, .45fr); }
  .invoice { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
}
.scan, .card, .queue, .document, .ledger-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8rem; min-width: 0; }
.card.empty { grid-column: span 2; }
@media (max-width: 899px) { .card.empty { grid-column: auto; } }
img.page { display: block; width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.pages { margin-top: .4rem; display: flex; gap: .6rem; flex-wrap: wrap; }
.pages-all { display: grid; gap: .8rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); margin: 1rem 0; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; font: .85rem/1.4 ui-monospace, monospace; margin: 0; max-height: 80vh; overflow: auto; }
.why { margin: 0 0 .6rem; color: var(--warn); overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem .8rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.category { font-size: 1.1em; }
.confidence meter { width: 5rem; vertical-align: middle; }
.evidence { margin: 0; padding: .5rem .8rem; border-left: 3px solid var(--mark); background: #fffbea; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; }
.alternatives, .similar, .runs, .checks { margin: 0; padding-left: 1.1rem; }
.similar li, .runs li, .checks li { overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; align-items: flex-start; }
.actions form { margin: 0; }
.categories { display: flex; flex-wrap: wrap; gap: .4rem; }
.keys { font-size: .8rem; }
.queue h2 { margin-top: 0; }
.queue ol { margin: 0; padding-left: 1.2rem; font-size: .9rem; }
.queue li { overflow-wrap: anywhere; }
.queue li[aria-current="true"] { font-weight: 600; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 1em; background: #e8ebef; font-size: .8em; white-space: nowrap; }
.badge.priority, .badge.s-needs_review, .badge.s-needs_attention, .badge.s-awaiting_approval, .badge.s-pending { background: #fff1cc; }
.badge.s-done, .badge.s-approved, .badge.s-succeeded, .badge.c-passed { background: #dcf1e2; color: var(--ok); }
.badge.s-failed, .badge.s-dead, .badge.s-rejected, .badge.s-quarantined, .badge.s-duplicate, .badge.c-failed { background: #fbe0dd; color: var(--bad); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.fields th[scope="row"] { white-space: nowrap; color: var(--muted); font-weight: 500; }
table.fields q { background: #fffbea; }
tr.noted td:first-of-type { color: var(--warn); }
.filters { display: flex; flex-wrap: wrap; gap: .6rem; margin-bottom: .8rem; }
.filters a[aria-current="page"] { font-weight: 700; }
form.search { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; margin-bottom: 1rem; }
form.search label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); min-width: 8rem; }
form.search label.wide { flex: 1 1 16rem; }
.reject { display: flex; gap: .4rem; flex-wrap: wrap; align-items: flex-end; }
.reject label { display: flex; flex-direction: column; font-size: .85rem; }
.results { padding-left: 1.4rem; }
.results li { margin-bottom: .8rem; overflow-wrap: anywhere; }
.snippet { margin: .2rem 0 0; font-size: .9rem; }
.pager { display: flex; gap: 1rem; }
.path { font-family: ui-monospace, monospace; font-size: .85em; overflow-wrap: anywhere; }
body.plain main { max-width: 32rem; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem; }
body.plain form { display: flex; flex-wrap: wrap; gap: .5rem; }
body.plain input { flex: 1 1 14rem; }
`;

import { html } from "hono/html";
import type { HandlerRunRecord } from "../../store/handler-runs-repo.js";
import { INVOICE_STATUSES } from "../../store/invoice-columns.js";
import type { InvoiceRecord } from "../../store/invoices-repo.js";
import type { invoiceView } from "../api/invoice-view.js";
import { csrfField, type Html, statusBadge, when } from "./layout.js";

type InvoiceView = ReturnType<typeof invoiceView>;

const APPROVABLE = new Set(["awaiting_approval", "needs_attention"]);
const REJECTABLE = new Set(["awaiting_approval", "needs_attention", "duplicate"]);

/** The ledger: every invoice with its amounts, status and failed checks. */
export function invoiceListPage(invoices: InvoiceView[], status: string | undefined): Html {
  return html`<h1>Invoices</h1>
  <nav class="filters" aria-label="status">
    <a href="/invoices"${status ? "" : html` aria-current="page"`}>all</a>
    ${INVOICE_STATUSES.map((s) => html`<a href="/invoices?status=${s}"${s === status ? html` aria-current="page"` : ""}>${s.replace("_", " ")}</a>`)}
  </nav>
  ${
    invoices.length === 0
      ? html`<p class="muted">No invoices${status ? ` ${status.replace("_", " ")}` : ""}.</p>`
      : html`<div class="table-wrap"><table class="ledger">
    <thead><tr><th>#</th><th>Status</th><th>Vendor</th><th>Number</th><th>Date</th><th class="num">Total</th><th>Checks</th></tr></thead>
    <tbody>${invoices.map(
      (i) => html`<tr>
        <td><a href="/invoices/${i.id}">${i.id}</a></td>
        <td>${statusBadge(i.status)}</td>
        <td><a href="/invoices/${i.id}">${i.vendor ?? "?"}</a></td>
        <td>${i.invoiceNumber ?? ""}</td>
        <td>${i.invoiceDate ?? ""}</td>
        <td class="num">${i.total ?? ""} ${i.currency ?? ""}</td>
        <td>${failedChecks(i)}</td>
      </tr>`,
    )}</tbody></table></div>`
  }`;
}

/** One invoice: the scan beside the fields and the quotes they came from, the checks, and the decision. */
export function invoicePage(
  invoice: InvoiceView,
  runs: HandlerRunRecord[],
  pageImages: number,
  documentName: string,
  csrfToken: string,
): Html {
  return html`<div class="invoice">
  <section class="scan" aria-label="the invoice">
    ${
      pageImages > 0
        ? html`<img class="page" src="/api/v1/documents/${invoice.documentId}/pages/1" alt="Page 1 of ${documentName}">`
        : html`<p class="muted">No page image: <a href="/documents/${invoice.documentId}">read the text</a>.</p>`
    }
  </section>
  <section class="card" aria-labelledby="invoice-title">
    <h1 id="invoice-title">Invoice #${invoice.id} ${statusBadge(invoice.status)}</h1>
    <p><a href="/documents/${invoice.documentId}">document #${invoice.documentId} ${documentName}</a>${invoice.documentType === "credit_note" ? " · credit note" : ""}</p>
    ${invoice.duplicateOf ? html`<p class="notice error">Duplicate of <a href="/invoices/${invoice.duplicateOf}">invoice #${invoice.duplicateOf}</a>: ${invoice.duplicateReason ?? ""}</p>` : ""}
    ${invoice.decidedBy ? html`<p>${invoice.status} by ${invoice.decidedBy} at ${when(invoice.decidedAt)}${invoice.rejectReason ? `: ${invoice.rejectReason}` : ""}</p>` : ""}
    <h2>Fields</h2>
    <div class="table-wrap"><table class="fields">
      <thead><tr><th>Field</th><th>Value</th><th>Quote in the document</th></tr></thead>
      <tbody>${Object.entries(invoice.fields).map(
        ([name, field]) => html`<tr${field.notes.length > 0 ? html` class="noted"` : ""}>
          <th scope="row">${name.replace(/_/g, " ")}</th>
          <td>${field.value === null ? html`<span class="muted">—</span>` : String(field.value)}${field.notes.length > 0 ? html`<div class="muted small">${field.notes.join("; ")}</div>` : ""}</td>
          <td>${field.quote ? html`<q>${field.quote}</q>` : ""}</td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${
      invoice.lineItems.length > 0
        ? html`<h2>Lines</h2><div class="table-wrap"><table><thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Unit</th><th class="num">Amount</th></tr></thead>
        <tbody>${invoice.lineItems.map((l) => html`<tr><td>${l.description}</td><td class="num">${l.quantity ?? ""}</td><td class="num">${l.unitPrice ?? ""}</td><td class="num">${l.amountRaw ?? ""}</td></tr>`)}</tbody></table></div>`
        : ""
    }
    <h2>Checks</h2>
    <ul class="checks">${invoice.checks.map((c) => html`<li class="check ${c.status}"><span class="badge c-${c.status}">${c.status}</span> <strong>${c.name.replace(/_/g, " ")}</strong> ${c.message}</li>`)}</ul>
    ${decision(invoice, csrfToken)}
    ${
      runs.length > 0
        ? html`<h2>Handler runs</h2><ul class="runs">${runs.map((r) => html`<li>run #${r.id} ${r.handlerName} (${r.trigger}) ${statusBadge(r.status)}${r.lastError ? html` <span class="muted">${r.lastError}</span>` : ""}</li>`)}</ul>`
        : ""
    }
  </section>
</div>`;
}

function decision(invoice: InvoiceRecord, csrfToken: string): Html {
  if (!APPROVABLE.has(invoice.status) && !REJECTABLE.has(invoice.status)) return "";
  return html`<h2>Decision</h2><div class="actions">
    ${
      APPROVABLE.has(invoice.status)
        ? html`<form method="post" action="/invoices/${invoice.id}/approve">${csrfField(csrfToken)}${
            invoice.checks.some((c) => c.status === "failed")
              ? html`<label><input type="checkbox" name="force" value="1" required> approve although checks failed</label> `
              : ""
          }<button type="submit" class="primary" data-key="a"><kbd>a</kbd> Approve</button></form>`
        : ""
    }
    ${
      REJECTABLE.has(invoice.status)
        ? html`<form method="post" action="/invoices/${invoice.id}/reject" class="reject">${csrfField(csrfToken)}
        <label>Reason <input name="reason" required maxlength="1000" placeholder="why"></label>
        <button type="submit">Reject</button></form>`
        : ""
    }
  </div>`;
}

function failedChecks(invoice: InvoiceRecord): Html {
  if (invoice.duplicateOf) return html`duplicate of #${invoice.duplicateOf}`;
  const failed = invoice.checks.filter((c) => c.status === "failed");
  return failed.length === 0
    ? html`<span class="muted">all passed</span>`
    : html`<span class="warning">${failed.map((c) => c.name.replace(/_/g, " ")).join(", ")}</span>`;
}

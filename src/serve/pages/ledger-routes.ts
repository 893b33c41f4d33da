import { Hono } from "hono";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { INVOICE_STATUSES } from "../../store/invoice-columns.js";
import { ApiError } from "../api/api-error.js";
import { invoiceView } from "../api/invoice-view.js";
import type { ServeEnv } from "../auth/guards.js";
import type { ServeContext } from "../serve-context.js";
import { invoiceListPage, invoicePage } from "./invoice-pages.js";
import { type PageKit, pathId, runsNote, sessionOf } from "./page-kit.js";

const statusFilter = z.enum(INVOICE_STATUSES).optional();
const rejectForm = z.object({ reason: z.string().trim().min(1, "say why").max(1000) });

/** The invoice ledger, one invoice beside its scan, and approve / reject through ServeContext.operations. */
export function ledgerRoutes(ctx: ServeContext, kit: PageKit): Hono<ServeEnv> {
  const routes = new Hono<ServeEnv>();
  const { store } = ctx;

  routes.get("/invoices", (c) => {
    const status = statusFilter.safeParse(c.req.query("status") || undefined);
    const filter = status.success ? status.data : undefined;
    const invoices = store.invoices.list({ status: filter }).map(invoiceView);
    return kit.render(c, "invoices", "Invoices", invoiceListPage(invoices, filter));
  });

  routes.get("/invoices/:id", (c) => {
    const invoiceId = pathId(c);
    const invoice = store.invoices.get(invoiceId);
    if (!invoice) throw new ApiError(404, "not_found", `there is no invoice #${invoiceId}`);
    const document = store.documents.get(invoice.documentId);
    const runs = store.handlerRuns
      .forDocument(invoice.documentId)
      .filter((r) => r.trigger !== "document.classified");
    const body = invoicePage(
      invoiceView(invoice),
      runs,
      document ? ctx.images.count(document) : 0,
      document?.name ?? "",
      sessionOf(c).csrfToken,
    );
    return kit.render(c, "invoices", `Invoice #${invoice.id}`, body);
  });

  routes.post("/invoices/:id/approve", async (c) => {
    const invoiceId = pathId(c);
    const force = (await c.req.parseBody()).force === "1";
    return kit.act(c, `/invoices/${invoiceId}`, () => {
      const { runs } = ctx.operations.approveInvoice(invoiceId, undefined, force);
      return `✔ invoice #${invoiceId} approved${runsNote(runs.length)}`;
    });
  });

  routes.post("/invoices/:id/reject", async (c) => {
    const invoiceId = pathId(c);
    const form = rejectForm.safeParse(await c.req.parseBody());
    return kit.act(c, `/invoices/${invoiceId}`, () => {
      if (!form.success) throw new UsageError("say why the invoice is rejected");
      ctx.operations.rejectInvoice(invoiceId, form.data.reason, undefined);
      return `invoice #${invoiceId} rejected: ${form.data.reason}`;
    });
  });

  return routes;
}

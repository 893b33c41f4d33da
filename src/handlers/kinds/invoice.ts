import path from "node:path";
import { z } from "zod";
import { ModelCallError } from "../../classify/model-errors.js";
import { errorMessage } from "../../errors.js";
import { checkInvoice } from "../../invoices/invoice-checks.js";
import type { InvoiceExtraction } from "../../invoices/invoice-field-extractor.js";
import {
  INVOICE_FIELD_NAMES,
  invoiceFieldsSchema,
  type ModelInvoice,
} from "../../invoices/invoice-fields-schema.js";
import { type InvoiceDraft, normaliseInvoice } from "../../invoices/normalise-invoice.js";
import { formatMinor } from "../../invoices/parse-money.js";
import type { InvoiceCheck } from "../../store/invoice-columns.js";
import { defineHandlerKind, type HandlerContext, HandlerFailure } from "../handler-kind.js";
import { renderPathTemplate } from "../path-template.js";

const configSchema = z.strictObject({
  archive: z
    .boolean()
    .default(true)
    .describe("File a copy of the original under invoices.archiveDir (see the config file)."),
});
type InvoiceConfig = z.infer<typeof configSchema>;

export const invoiceKind = defineHandlerKind({
  name: "invoice",
  description:
    "read the invoice fields with the model, check them, file an archive copy, add it to the ledger",
  configSchema,
  exampleConfig: { archive: true },
  async run(context) {
    const { event, services } = context;
    const { store } = services;
    const existing = store.invoices.forDocument(event.document.id);
    if (existing)
      return {
        summary: `already in the ledger as invoice #${existing.id} (${existing.status}); nothing to do`,
      };
    const document = store.documents.get(event.document.id);
    if (!document)
      throw new HandlerFailure(`document #${event.document.id} is gone from the store`, { retry: false });
    if (event.text.trim() === "")
      throw new HandlerFailure("the document has no text to read invoice fields from", { retry: false });

    const read = await readFields(context);
    const draft = normaliseInvoice(read.fields, { language: event.document.language, unread: read.unread });
    const checks: InvoiceCheck[] = [
      ...(read.problem ? [{ name: "extraction", status: "failed" as const, message: read.problem }] : []),
      ...read.checks,
      ...checkInvoice(draft, services.config.invoices.requiredFields),
    ];
    const archivePath = await archive(context, draft);
    const result = context.effects.recordInvoice({
      document,
      classification: {
        id: null,
        category: event.document.category,
        confidence: event.document.confidence ?? 1,
      },
      draft,
      checks,
      archivePath,
      extraction: read.info,
    });
    const failedChecks = checks.filter((c) => c.status === "failed").map((c) => c.name);
    const id = result.invoice ? `#${result.invoice.id} ` : "";
    return {
      summary:
        `invoice ${id}${result.decision.status}: ${describe(draft)}` +
        (failedChecks.length > 0 ? `; failed checks: ${failedChecks.join(", ")}` : "") +
        (result.decision.duplicate ? `; ${result.decision.duplicate.reason}` : ""),
      output: JSON.stringify({ status: result.decision.status, archivePath, checks }, null, 2),
    };
  },
});

interface ReadFields {
  fields: ModelInvoice;
  info: Record<string, unknown>;
  problem: string | undefined;
  unread: InvoiceExtraction["unread"];
  checks: InvoiceCheck[];
}

/**
 * The model reads the fields. While it is unavailable the run fails and comes back later; an answer that breaks
 * the schema even after the repair still puts the invoice into the ledger, with every field missing.
 */
async function readFields(context: HandlerContext<InvoiceConfig>): Promise<ReadFields> {
  const { event, services, signal } = context;
  let extraction: InvoiceExtraction;
  try {
    const extractor = await services.invoiceExtractor();
    extraction = await extractor.extract({ text: event.text, name: event.document.fileName }, signal);
  } catch (error) {
    if (error instanceof ModelCallError && error.kind === "fatal") {
      return {
        fields: emptyFields(),
        info: { error: error.message },
        problem: `the model could not read the fields: ${error.message}`,
        unread: undefined,
        checks: [],
      };
    }
    throw new HandlerFailure(`reading the invoice fields failed: ${errorMessage(error)}`, {
      retry: true,
      waiting:
        error instanceof ModelCallError && (error.kind === "unavailable" || error.kind === "circuit_open"),
      cause: error,
    });
  }
  return {
    fields: extraction.fields,
    info: extraction.info,
    problem: undefined,
    unread: extraction.unread,
    checks: extraction.checks ?? [],
  };
}

async function archive(context: HandlerContext<InvoiceConfig>, draft: InvoiceDraft): Promise<string | null> {
  const { config, event, effects, services } = context;
  if (!config.archive) return null;
  const document = services.store.documents.get(event.document.id);
  if (!document) return null;
  const settings = services.config.invoices;
  const root = path.resolve(services.config.home, settings.archiveDir);
  const date = draft.invoiceDate ?? document.createdAt.slice(0, 10);
  const [yyyy, mm, dd] = date.split("-");
  const ext = path.extname(document.name);
  let relativePath: string;
  try {
    relativePath = renderPathTemplate(settings.archiveTemplate, {
      category: event.document.category,
      yyyy,
      mm,
      dd,
      date,
      vendor: draft.vendor,
      invoice_number: draft.invoiceNumber,
      currency: draft.currency,
      name: path.basename(document.name, ext),
      ext,
      id: document.id,
      sha8: document.sha256.slice(0, 8),
    });
  } catch (error) {
    throw new HandlerFailure(`invoices.archiveTemplate: ${errorMessage(error)}`, { retry: false });
  }
  try {
    const placed = await effects.placeFile({
      documentId: document.id,
      source: document.blobPath ?? document.path,
      sha256: document.sha256,
      root,
      relativePath,
      mode: "copy",
      relocate: false,
      private: true,
      sourceRoot: services.config.inbox,
    });
    return placed.path;
  } catch (error) {
    throw new HandlerFailure(`cannot file the archive copy: ${errorMessage(error)}`, {
      retry: true,
      cause: error,
    });
  }
}

function describe(draft: InvoiceDraft): string {
  const total =
    draft.totalMinor === null
      ? "no total"
      : `${formatMinor(draft.totalMinor, draft.currency)} ${draft.currency ?? ""}`.trim();
  return `${draft.vendor ?? "unknown vendor"}, ${draft.invoiceNumber ?? "no number"}, ${draft.invoiceDate ?? "no date"}, ${total}`;
}

function emptyFields(): ModelInvoice {
  const empty = { value: null, quote: "" };
  const fields = Object.fromEntries(INVOICE_FIELD_NAMES.map((name) => [name, empty]));
  return invoiceFieldsSchema.parse({ document_type: "invoice", line_items: [], ...fields });
}

import { formatMinor } from "../invoices/parse-money.js";
import type { HandlerTrigger } from "../store/handler-triggers.js";
import type { InvoiceCheck } from "../store/invoice-columns.js";
import type { InvoiceRecord } from "../store/invoices-repo.js";
import type { Store } from "../store/store.js";

export interface DocumentPayload {
  id: number;
  fileName: string;
  path: string;
  sha256: string;
  mime: string | null;
  size: number;
  category: string;
  confidence: number | null;
  summary: string | null;
  language: string | null;
}

export interface InvoicePayload {
  id: number;
  status: string;
  documentType: string;
  vendor: string | null;
  vendorVatId: string | null;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  dueDate: string | null;
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  totalMinor: number | null;
  iban: string | null;
  purchaseOrder: string | null;
  duplicateOf: number | null;
  checks: InvoiceCheck[];
  archivePath: string | null;
}

/** What a handler is told: the trigger, the document, the invoice when there is one, and the text. */
export interface HandlerEvent {
  event: HandlerTrigger;
  /** The run's idempotency key: the same for every attempt, so a receiver can drop repeats. */
  deliveryId: string;
  runId: number | null;
  attempt: number;
  /**
   * An earlier attempt of this delivery was started (docsort was killed during it, or it failed): the receiver
   * may have seen this delivery id already and must drop it if so.
   */
  redelivery: boolean;
  /** When the decision was made (the run was queued): the same for every attempt. */
  occurredAt: string;
  handler: string;
  document: DocumentPayload;
  invoice: InvoicePayload | null;
  /** The extracted text; handlers decide how much of it to pass on. */
  text: string;
}

export interface EventSource {
  trigger: HandlerTrigger;
  handler: string;
  documentId: number;
  invoiceId: number | null;
  classificationId: number | null;
  category: string;
  deliveryId: string;
  runId: number | null;
  attempt: number;
  redelivery: boolean;
  occurredAt: string;
}

export function buildEvent(store: Store, source: EventSource): HandlerEvent {
  const document = store.documents.get(source.documentId);
  if (!document) throw new Error(`document ${source.documentId} does not exist`);
  const classification =
    (source.classificationId !== null
      ? store.classifications.history(document.id).find((c) => c.id === source.classificationId)
      : undefined) ?? store.classifications.current(document.id);
  const extraction = store.extractions.latest(document.id);
  const invoice =
    source.invoiceId !== null
      ? store.invoices.get(source.invoiceId)
      : store.invoices.forDocument(document.id);
  return {
    event: source.trigger,
    deliveryId: source.deliveryId,
    runId: source.runId,
    attempt: source.attempt,
    redelivery: source.redelivery,
    occurredAt: source.occurredAt,
    handler: source.handler,
    document: {
      id: document.id,
      fileName: document.name,
      path: document.path,
      sha256: document.sha256,
      mime: document.mime,
      size: document.size,
      category: source.category,
      confidence: classification?.confidence ?? null,
      summary: classification?.summary ?? null,
      language: extraction?.language ?? null,
    },
    invoice: invoice ? invoicePayload(invoice) : null,
    text: extraction?.text ?? "",
  };
}

export function invoicePayload(invoice: InvoiceRecord): InvoicePayload {
  const money = (minor: number | null) => (minor === null ? null : formatMinor(minor, invoice.currency));
  return {
    id: invoice.id,
    status: invoice.status,
    documentType: invoice.documentType,
    vendor: invoice.vendor,
    vendorVatId: invoice.vendorVatId,
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    subtotal: money(invoice.subtotalMinor),
    tax: money(invoice.taxMinor),
    total: money(invoice.totalMinor),
    totalMinor: invoice.totalMinor,
    iban: invoice.iban,
    purchaseOrder: invoice.purchaseOrder,
    duplicateOf: invoice.duplicateOf,
    checks: invoice.checks,
    archivePath: invoice.archivePath,
  };
}

/** The JSON a webhook receives and a command reads on stdin. */
export function eventPayload(event: HandlerEvent, excerptChars: number) {
  return {
    event: event.event,
    deliveryId: event.deliveryId,
    occurredAt: event.occurredAt,
    handler: event.handler,
    attempt: event.attempt,
    redelivery: event.redelivery,
    document: {
      id: event.document.id,
      fileName: event.document.fileName,
      sha256: event.document.sha256,
      category: event.document.category,
      confidence: event.document.confidence,
      summary: event.document.summary,
    },
    invoice: event.invoice,
    excerpt: event.text.slice(0, excerptChars),
    links: {
      document: `docsort show ${event.document.id}`,
      ...(event.invoice ? { invoice: `docsort invoices show ${event.invoice.id}` } : {}),
    },
  };
}

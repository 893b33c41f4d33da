/** What can fire a handler: a classified document, or a step of the invoice workflow. */
export const HANDLER_TRIGGERS = [
  "document.classified",
  "invoice.approved",
  "invoice.duplicate",
  "invoice.needs_attention",
] as const;
export type HandlerTrigger = (typeof HANDLER_TRIGGERS)[number];

/** A handler whose categories hold this fires on every category. */
export const ANY_CATEGORY = "*";

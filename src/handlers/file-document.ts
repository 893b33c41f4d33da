import path from "node:path";
import { z } from "zod";
import { errorMessage } from "../errors.js";
import type { HandlerEvent } from "./handler-event.js";
import { type HandlerContext, HandlerFailure, type HandlerOutcome } from "./handler-kind.js";
import {
  DEFAULT_MAX_VALUE_CHARS,
  renderPathTemplate,
  type TemplateValues,
  templateProblem,
} from "./path-template.js";

export const filingConfigSchema = z.strictObject({
  root: z
    .string()
    .refine((value) => path.isAbsolute(value), "an absolute folder path")
    .describe("The folder files are filed into; nothing is ever written outside it."),
  template: z
    .string()
    .default("{category}/{yyyy}/{mm}/{name}{ext}")
    .superRefine((value, ctx) => {
      const problem = templateProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe("Path below root; {variables} are filled with sanitised values."),
  maxValueChars: z
    .int()
    .min(8)
    .max(200)
    .default(DEFAULT_MAX_VALUE_CHARS)
    .describe("Longest value put into one path piece."),
});
export type FilingConfig = z.infer<typeof filingConfigSchema>;

/** The values a path template can use, from the document, its classification and its invoice. */
export function templateValues(event: HandlerEvent, createdAt: string): TemplateValues {
  const date = event.invoice?.invoiceDate ?? createdAt.slice(0, 10);
  const [yyyy, mm, dd] = date.split("-");
  const ext = path.extname(event.document.fileName);
  return {
    category: event.document.category,
    yyyy,
    mm,
    dd,
    date,
    vendor: event.invoice?.vendor,
    invoice_number: event.invoice?.invoiceNumber,
    currency: event.invoice?.currency,
    name: path.basename(event.document.fileName, ext),
    ext,
    id: event.document.id,
    sha8: event.document.sha256.slice(0, 8),
  };
}

/** move and copy: the same filing, one removes the original. An attachment is always copied out. */
export async function fileDocument(
  context: HandlerContext<FilingConfig>,
  mode: "move" | "copy",
): Promise<HandlerOutcome> {
  const { config, event, effects, services } = context;
  const document = services.store.documents.get(event.document.id);
  if (!document)
    throw new HandlerFailure(`document #${event.document.id} is gone from the store`, { retry: false });
  const relativePath = renderPathTemplate(
    config.template,
    templateValues(event, document.createdAt),
    config.maxValueChars,
  );
  const ownFile = document.blobPath === null;
  const effective = ownFile ? mode : "copy";
  try {
    const placed = await effects.placeFile({
      documentId: document.id,
      source: document.blobPath ?? document.path,
      sha256: document.sha256,
      root: config.root,
      relativePath,
      mode: effective,
      relocate: effective === "move",
      sourceRoot: services.config.inbox,
    });
    const verb = effective === "move" ? "moved" : "copied";
    const note = mode === "move" && !ownFile ? " (an attachment: copied, its e-mail stays whole)" : "";
    return { summary: `${verb} to ${placed.path}${placed.reused ? " (already there)" : ""}${note}` };
  } catch (error) {
    if (error instanceof HandlerFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const gone = code === "ENOENT";
    throw new HandlerFailure(`cannot ${mode} ${document.path}: ${errorMessage(error)}`, {
      retry: gone || code === "EACCES" || code === "EBUSY" || code === "ENOSPC" || code === "EMFILE",
      cause: error,
    });
  }
}

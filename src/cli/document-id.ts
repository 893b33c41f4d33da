import { z } from "zod";
import { UsageError } from "../errors.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import type { Store } from "../store/store.js";

const idSchema = z.coerce.number().int().positive();

/** `12` or `#12`; an unknown id is a usage error that says how to find the right one. */
export function resolveDocument(store: Store, raw: string): DocumentRecord {
  const parsed = idSchema.safeParse(raw.replace(/^#/, ""));
  if (!parsed.success)
    throw new UsageError(`"${raw}" is not a document id (a whole number, see docsort list).`);
  const document = store.documents.get(parsed.data);
  if (!document) throw new UsageError(`there is no document #${parsed.data} (see docsort list).`);
  return document;
}

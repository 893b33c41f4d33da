import { fileDocument, filingConfigSchema } from "../file-document.js";
import { defineHandlerKind } from "../handler-kind.js";

export const moveKind = defineHandlerKind({
  name: "move",
  description:
    "move the file into a folder tree built from a path template (the store records where it went)",
  configSchema: filingConfigSchema,
  exampleConfig: {
    root: "/home/me/Documents/filed",
    template: "{category}/{yyyy}/{mm}/{vendor}-{invoice_number}{ext}",
  },
  run: (context) => fileDocument(context, "move"),
});

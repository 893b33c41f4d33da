import { fileDocument, filingConfigSchema } from "../file-document.js";
import { defineHandlerKind } from "../handler-kind.js";

export const copyKind = defineHandlerKind({
  name: "copy",
  description: "copy the file into a folder tree built from a path template; the original stays where it is",
  configSchema: filingConfigSchema,
  exampleConfig: { root: "/home/me/Documents/by-category", template: "{category}/{yyyy}/{name}{ext}" },
  run: (context) => fileDocument(context, "copy"),
});

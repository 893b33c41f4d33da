import { createRegistry } from "./create-registry.js";
import { csvExtractor } from "./csv.js";
import { docxExtractor } from "./docx.js";
import { emailExtractor } from "./email.js";
import { htmlExtractor } from "./html.js";
import { imageExtractor } from "./image.js";
import { odtExtractor } from "./odt.js";
import { pdfExtractor } from "./pdf.js";
import { spreadsheetExtractor } from "./spreadsheet.js";
import { textExtractor } from "./text.js";
import { zipExtractor } from "./zip.js";

export { createRegistry, type ExtractorRegistry } from "./create-registry.js";

/** Adding a format: one new file, one line here. */
export const defaultRegistry = createRegistry([
  textExtractor,
  csvExtractor,
  htmlExtractor,
  pdfExtractor,
  imageExtractor,
  docxExtractor,
  odtExtractor,
  emailExtractor,
  spreadsheetExtractor,
  zipExtractor,
]);

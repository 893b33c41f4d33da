import readXlsxFile from "read-excel-file/node";
import { renderRows } from "./csv.js";
import { corrupt } from "./errors.js";
import { type FormatExtractor, scoreKinds } from "./format-extractor.js";

/** Excel 2007+ workbooks: every sheet as `Sheet: name`, then its rows (header row first) as text. */
export const spreadsheetExtractor: FormatExtractor = {
  name: "spreadsheet",
  score: scoreKinds(["xlsx"]),
  async extract({ bytes, type }) {
    let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
    try {
      sheets = await readXlsxFile(Buffer.from(bytes));
    } catch (error) {
      throw corrupt(type, error instanceof Error ? error.message : String(error), error);
    }
    const text = sheets
      .map(({ sheet, data }) => {
        const rows = data.map((row) => row.map(cellText)).filter((row) => row.some((cell) => cell !== ""));
        return `Sheet: ${sheet}\n${renderRows(rows)}`;
      })
      .join("\n\n");
    return { text, method: "spreadsheet" };
  },
};

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
  }
  return String(value);
}

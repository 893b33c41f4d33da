import Table from "cli-table3";

/** A plain table: borders and colours only on a terminal, so pipes and files get clean text. */
export function renderTable(
  head: string[],
  rows: (string | number)[][],
  tty = process.stdout.isTTY === true,
): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    chars: tty
      ? {}
      : {
          top: "",
          "top-mid": "",
          "top-left": "",
          "top-right": "",
          bottom: "",
          "bottom-mid": "",
          "bottom-left": "",
          "bottom-right": "",
          left: "",
          "left-mid": "",
          mid: "",
          "mid-mid": "",
          right: "",
          "right-mid": "",
          middle: "  ",
        },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString().replace(/^ /gm, "").replace(/ +$/gm, "");
}

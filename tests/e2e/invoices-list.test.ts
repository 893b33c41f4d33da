import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { runDocsort } from "../support/run-docsort.js";
import { tempDir } from "../support/temp-dir.js";

const COUNT = 60;
let dir: { path: string; cleanup: () => void };
let env: { home: string; inbox: string; ollamaHost: string; cwd: string };

/** COUNT invoices, every third approved, written straight into a new store. */
function ledger(home: string): void {
  const store = Store.open(home);
  const document = store.db.prepare(`INSERT INTO documents (id, sha256, path, name, size, status, created_at,
    updated_at) VALUES (?, ?, ?, ?, 10, 'done', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  const invoice =
    store.db.prepare(`INSERT INTO invoices (document_id, status, vendor, invoice_number, currency,
    total_minor, created_at, updated_at) VALUES (?, ?, 'ACME', ?, 'EUR', 1000, '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00Z')`);
  store.transaction(() => {
    for (let id = 1; id <= COUNT; id += 1) {
      document.run(id, `sha-${id}`, `/in/${id}.pdf`, `${id}.pdf`);
      invoice.run(id, id % 3 === 0 ? "approved" : "awaiting_approval", `INV-${id}`);
    }
  });
  store.close();
}

/** The invoice ids of a table, in the order printed. */
const ids = (stdout: string) =>
  stdout
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => Number(line.trim().split(/\s+/)[0]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(() => {
  dir = tempDir("docsort-invoices-list-");
  env = {
    home: `${dir.path}/home`,
    inbox: `${dir.path}/inbox`,
    ollamaHost: "http://127.0.0.1:9",
    cwd: dir.path,
  };
  ledger(env.home);
});
afterAll(() => dir?.cleanup());

describe("docsort invoices list on a long ledger", () => {
  it("lists the 50 newest, oldest first, and says on stderr how many earlier ones were left out", async () => {
    const result = await runDocsort(["invoices", "list"], env);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(range(11, 60));
    expect(result.stderr).toContain("10 earlier invoices not shown: use --limit N or --all");
  });

  it("--limit N and --all choose how many; a status filter counts only its own", async () => {
    const limited = await runDocsort(["invoices", "list", "--limit", "5"], env);
    expect(ids(limited.stdout)).toEqual(range(56, 60));
    expect(limited.stderr).toContain("55 earlier invoices not shown");
    const all = await runDocsort(["invoices", "list", "--all"], env);
    expect(ids(all.stdout)).toEqual(range(1, 60));
    expect(all.stderr).not.toContain("not shown");
    const approved = await runDocsort(["invoices", "list", "--status", "approved", "--limit", "3"], env);
    expect(ids(approved.stdout)).toEqual([54, 57, 60]);
    expect(approved.stderr).toContain("17 earlier invoices not shown");
    const both = await runDocsort(["invoices", "list", "--all", "--limit", "3"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("not both");
  });

  it("--json prints every invoice unless --limit is given", async () => {
    const json = await runDocsort(["invoices", "list", "--json"], env);
    expect(JSON.parse(json.stdout)).toHaveLength(COUNT);
    expect(json.stderr).toBe("");
    const limited = await runDocsort(["invoices", "list", "--json", "--limit", "2"], env);
    expect((JSON.parse(limited.stdout) as { id: number }[]).map((i) => i.id)).toEqual([59, 60]);
  });
});

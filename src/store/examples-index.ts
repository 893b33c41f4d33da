import type { Db } from "./database.js";
import { prepared } from "./prepared.js";

/** A document a person confirmed or corrected, as the learning parts see it. */
export interface ConfirmedExample {
  documentId: number;
  classificationId: number;
  category: string;
  /** The automatic category the person changed, when it was a correction. */
  correctedFrom: string | null;
  name: string;
  sender: string | null;
  text: string;
  confirmedAt: string;
}

export interface SimilarExample {
  documentId: number;
  category: string;
  name: string;
  excerpt: string;
  /** bm25 relevance, higher is closer. */
  score: number;
}

interface ExampleRow {
  document_id: number;
  classification_id: number;
  category: string;
  corrected_from: string | null;
  name: string;
  sender: string | null;
  text: string;
  confirmed_at: string;
}

/** Longer texts are cut: the start of a document is what makes it similar to another. */
export const MAX_EXAMPLE_CHARS = 20_000;
const EXCERPT_CHARS = 300;
/** Query terms taken from the new document: its rarest words that occur in the index. */
const QUERY_TERMS = 40;
const VERSION_KEY = "examples_version";

const toExample = (row: ExampleRow): ConfirmedExample => ({
  documentId: row.document_id,
  classificationId: row.classification_id,
  category: row.category,
  correctedFrom: row.corrected_from,
  name: row.name,
  sender: row.sender,
  text: row.text,
  confirmedAt: row.confirmed_at,
});

/**
 * Confirmed documents with an FTS5 index over their text. Every change bumps a version number in `meta`, so a
 * long-running process knows when to retrain its built-in model.
 */
export class ExamplesIndex {
  constructor(private readonly db: Db) {}

  upsert(example: ConfirmedExample): void {
    this.db
      .prepare(`
        INSERT INTO examples (document_id, classification_id, category, corrected_from, name, sender, text, confirmed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (document_id) DO UPDATE SET classification_id = excluded.classification_id,
          category = excluded.category, corrected_from = excluded.corrected_from, name = excluded.name,
          sender = excluded.sender, text = excluded.text, confirmed_at = excluded.confirmed_at`)
      .run(
        example.documentId,
        example.classificationId,
        example.category,
        example.correctedFrom,
        example.name,
        example.sender,
        example.text.slice(0, MAX_EXAMPLE_CHARS),
        example.confirmedAt,
      );
    this.bumpVersion();
  }

  remove(documentId: number): boolean {
    const removed = this.db.prepare("DELETE FROM examples WHERE document_id = ?").run(documentId).changes > 0;
    if (removed) this.bumpVersion();
    return removed;
  }

  get(documentId: number): ConfirmedExample | undefined {
    const row = this.db
      .prepare<[number], ExampleRow>("SELECT * FROM examples WHERE document_id = ?")
      .get(documentId);
    return row ? toExample(row) : undefined;
  }

  all(): ConfirmedExample[] {
    return this.db
      .prepare<[], ExampleRow>("SELECT * FROM examples ORDER BY document_id")
      .all()
      .map(toExample);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM examples").get()?.n ?? 0;
  }

  /** Changes whenever the confirmed set changes. */
  version(): string {
    return (
      prepared<[string], { value: string }>(this.db, "SELECT value FROM meta WHERE key = ?").get(VERSION_KEY)
        ?.value ?? "0"
    );
  }

  /** Whether no document has been confirmed yet: then there is nothing to look up. */
  isEmpty(): boolean {
    return (
      prepared<[], { one: number }>(this.db, "SELECT 1 AS one FROM examples LIMIT 1").get() === undefined
    );
  }

  /** The k confirmed documents closest to `text` by bm25, never `excludeDocumentId` itself. */
  similar(text: string, k: number, excludeDocumentId?: number): SimilarExample[] {
    if (k <= 0 || this.isEmpty()) return [];
    const terms = this.queryTerms(text);
    if (terms.length === 0) return [];
    const query = terms.map((term) => `"${term}"`).join(" OR ");
    return prepared<[string, number, number], ExampleRow & { rank: number }>(
      this.db,
      `SELECT e.*, bm25(examples_fts) AS rank
       FROM examples_fts JOIN examples e ON e.document_id = examples_fts.rowid
       WHERE examples_fts MATCH ? AND e.document_id != ?
       ORDER BY rank LIMIT ?`,
    )
      .all(query, excludeDocumentId ?? -1, k)
      .map((row) => ({
        documentId: row.document_id,
        category: row.category,
        name: row.name,
        excerpt: excerpt(row.text),
        score: Math.round(-row.rank * 1000) / 1000,
      }));
  }

  private queryTerms(text: string): string[] {
    const candidates = [...new Set(tokens(text.slice(0, MAX_EXAMPLE_CHARS)))].slice(0, 500);
    if (candidates.length === 0) return [];
    return prepared<[string], { term: string }>(
      this.db,
      `SELECT term FROM examples_vocab WHERE term IN (SELECT value FROM json_each(?)) ORDER BY doc, term LIMIT ${QUERY_TERMS}`,
    )
      .all(JSON.stringify(candidates))
      .map((row) => row.term);
  }

  private bumpVersion(): void {
    this.db
      .prepare(`
        INSERT INTO meta (key, value) VALUES (?, '1')
        ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`)
      .run(VERSION_KEY);
  }
}

/** Roughly what FTS5's unicode61 tokenizer with remove_diacritics produces; numbers are left out. */
function tokens(text: string): string[] {
  const folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length >= 3 && !/^\d+$/.test(t));
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

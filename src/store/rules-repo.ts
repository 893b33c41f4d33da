import type { Db } from "./database.js";
import { prepared } from "./prepared.js";

export const RULE_FIELDS = ["text", "name", "sender"] as const;
export const RULE_MATCHES = ["keyword", "regex"] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export type RuleMatch = (typeof RULE_MATCHES)[number];

export interface RuleRecord {
  id: number;
  field: RuleField;
  match: RuleMatch;
  pattern: string;
  category: string;
  enabled: boolean;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

export type NewRule = Omit<RuleRecord, "id" | "createdAt" | "enabled">;

interface RuleRow {
  id: number;
  field: RuleField;
  match: RuleMatch;
  pattern: string;
  category: string;
  enabled: number;
  note: string | null;
  created_by: string | null;
  created_at: string;
}

const toRule = (row: RuleRow): RuleRecord => ({
  id: row.id,
  field: row.field,
  match: row.match,
  pattern: row.pattern,
  category: row.category,
  enabled: row.enabled === 1,
  note: row.note,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export class RulesRepo {
  constructor(private readonly db: Db) {}

  add(rule: NewRule, now: string): RuleRecord {
    const row = this.db
      .prepare<unknown[], RuleRow>(`
        INSERT INTO rules (field, match, pattern, category, note, created_by, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`)
      .get(rule.field, rule.match, rule.pattern, rule.category, rule.note, rule.createdBy, now);
    if (!row) throw new Error("insert into rules returned no row");
    return toRule(row);
  }

  remove(id: number): boolean {
    return this.db.prepare("DELETE FROM rules WHERE id = ?").run(id).changes > 0;
  }

  get(id: number): RuleRecord | undefined {
    const row = this.db.prepare<[number], RuleRow>("SELECT * FROM rules WHERE id = ?").get(id);
    return row ? toRule(row) : undefined;
  }

  list(): RuleRecord[] {
    return this.db.prepare<[], RuleRow>("SELECT * FROM rules ORDER BY id").all().map(toRule);
  }

  enabled(): RuleRecord[] {
    return prepared<[], RuleRow>(this.db, "SELECT * FROM rules WHERE enabled = 1 ORDER BY id")
      .all()
      .map(toRule);
  }
}

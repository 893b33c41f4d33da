import { z } from "zod";
import type { Db } from "./database.js";
import { ANY_CATEGORY, type HandlerTrigger } from "./handler-triggers.js";
import { parseJsonColumn } from "./json-column.js";
import { prepared } from "./prepared.js";

export interface HandlerRecord {
  id: number;
  name: string;
  kind: string;
  /** Raw JSON: validated by the kind's schema when the handler is added and when it runs. */
  config: unknown;
  /** Goes up whenever the config changes: part of every run's idempotency key. */
  configVersion: number;
  trigger: HandlerTrigger;
  categories: string[];
  minConfidence: number;
  enabled: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewHandler {
  name: string;
  kind: string;
  config: unknown;
  trigger: HandlerTrigger;
  categories: readonly string[];
  minConfidence: number;
  enabled: boolean;
  position?: number;
}

/** Why a handler did or did not fire for one decision: stored with the routing event. */
export type HandlerMatch =
  | { handler: HandlerRecord; fires: true }
  | { handler: HandlerRecord; fires: false; reason: string };

interface HandlerRow {
  id: number;
  name: string;
  kind: string;
  config: string;
  config_version: number;
  trigger: HandlerTrigger;
  categories: string;
  min_confidence: number;
  enabled: number;
  position: number;
  created_at: string;
  updated_at: string;
}

const categoriesSchema = z.array(z.string());
const configSchema = z.unknown();

function toHandler(row: HandlerRow): HandlerRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: parseJsonColumn(row.config, configSchema, {}),
    configVersion: row.config_version,
    trigger: row.trigger,
    categories: parseJsonColumn(row.categories, categoriesSchema, []),
    minConfidence: row.min_confidence,
    enabled: row.enabled === 1,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class HandlersRepo {
  constructor(private readonly db: Db) {}

  list(): HandlerRecord[] {
    return prepared<[], HandlerRow>(this.db, "SELECT * FROM handlers ORDER BY position, id")
      .all()
      .map(toHandler);
  }

  get(name: string): HandlerRecord | undefined {
    const row = this.db.prepare<[string], HandlerRow>("SELECT * FROM handlers WHERE name = ?").get(name);
    return row ? toHandler(row) : undefined;
  }

  getById(id: number): HandlerRecord | undefined {
    const row = this.db.prepare<[number], HandlerRow>("SELECT * FROM handlers WHERE id = ?").get(id);
    return row ? toHandler(row) : undefined;
  }

  add(handler: NewHandler, now: string): HandlerRecord {
    const position =
      handler.position ??
      this.db
        .prepare<[], { next: number }>("SELECT coalesce(max(position), 0) + 10 AS next FROM handlers")
        .get()?.next ??
      10;
    const row = this.db
      .prepare<unknown[], HandlerRow>(`
        INSERT INTO handlers (name, kind, config, trigger, categories, min_confidence, enabled, position,
                              created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`)
      .get(
        handler.name,
        handler.kind,
        JSON.stringify(handler.config),
        handler.trigger,
        JSON.stringify(handler.categories),
        handler.minConfidence,
        handler.enabled ? 1 : 0,
        position,
        now,
        now,
      );
    if (!row) throw new Error("insert into handlers returned no row");
    return toHandler(row);
  }

  /** Replaces what a handler does; a different config gets a new config version (so it runs again). */
  replace(name: string, handler: NewHandler, now: string): HandlerRecord {
    const before = this.get(name);
    if (!before) throw new Error(`handler ${name} does not exist`);
    const configChanged = JSON.stringify(before.config) !== JSON.stringify(handler.config);
    const row = this.db
      .prepare<unknown[], HandlerRow>(`
        UPDATE handlers SET kind = ?, config = ?, config_version = ?, trigger = ?, categories = ?,
          min_confidence = ?, enabled = ?, position = ?, updated_at = ?
        WHERE name = ? RETURNING *`)
      .get(
        handler.kind,
        JSON.stringify(handler.config),
        before.configVersion + (configChanged || before.kind !== handler.kind ? 1 : 0),
        handler.trigger,
        JSON.stringify(handler.categories),
        handler.minConfidence,
        handler.enabled ? 1 : 0,
        handler.position ?? before.position,
        now,
        name,
      );
    if (!row) throw new Error(`handler ${name} vanished`);
    return toHandler(row);
  }

  setEnabled(name: string, enabled: boolean, now: string): boolean {
    return (
      this.db
        .prepare("UPDATE handlers SET enabled = ?, updated_at = ? WHERE name = ?")
        .run(enabled ? 1 : 0, now, name).changes === 1
    );
  }

  remove(name: string): boolean {
    return this.db.prepare("DELETE FROM handlers WHERE name = ?").run(name).changes === 1;
  }

  /** Every handler of this trigger, and whether it fires for this category and confidence (and why not). */
  match(trigger: HandlerTrigger, category: string, confidence: number): HandlerMatch[] {
    return this.list()
      .filter((handler) => handler.trigger === trigger)
      .map((handler): HandlerMatch => {
        if (!handler.enabled) return { handler, fires: false, reason: "disabled" };
        if (!handler.categories.includes(category) && !handler.categories.includes(ANY_CATEGORY)) {
          return {
            handler,
            fires: false,
            reason: `category ${category} is not one of ${handler.categories.join(", ")}`,
          };
        }
        if (confidence < handler.minConfidence) {
          return {
            handler,
            fires: false,
            reason: `confidence ${confidence.toFixed(2)} < ${handler.minConfidence}`,
          };
        }
        return { handler, fires: true };
      });
  }
}

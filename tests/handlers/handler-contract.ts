import { readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dryRunEffects } from "../../src/handlers/dry-run-effects.js";
import { buildEvent } from "../../src/handlers/handler-event.js";
import { HandlerFailure, type HandlerKind, type HandlerServices } from "../../src/handlers/handler-kind.js";
import { addDocument, type Fixture, openFixture, services } from "./fixtures.js";

export interface ContractOptions {
  /** A config for this fixture's folders that should run. */
  config: (fixture: Fixture) => unknown;
  /** Configs the schema must refuse, with the key the refusal names. */
  invalid: [unknown, string][];
  servicesFor?: (fixture: Fixture) => HandlerServices;
  category?: string;
}

/** What every handler kind must do: validate strictly, document itself, and change nothing in a dry run. */
export function handlerContract(kind: HandlerKind, options: ContractOptions): void {
  describe(`the ${kind.name} handler kind keeps the handler contract`, () => {
    let fixture: Fixture;
    beforeEach(() => {
      fixture = openFixture();
    });
    afterEach(() => fixture.cleanup());

    it("has a lower-case name, a description and an example config that validates", () => {
      expect(kind.name).toMatch(/^[a-z][a-z-]*$/);
      expect(kind.description.length).toBeGreaterThan(10);
      expect(kind.configSchema.safeParse(kind.exampleConfig).success).toBe(true);
    });

    it("refuses unknown keys and invalid values, naming the key", () => {
      const valid = options.config(fixture) as Record<string, unknown>;
      expect(kind.configSchema.safeParse(valid).success).toBe(true);
      const extra = kind.configSchema.safeParse({ ...valid, surprise: true });
      expect(extra.success).toBe(false);
      for (const [config, key] of options.invalid) {
        const result = kind.configSchema.safeParse(config);
        expect(result.success, JSON.stringify(config)).toBe(false);
        if (!result.success) expect(result.error.issues.map((i) => i.path.join("."))).toContain(key);
      }
    });

    it("in a dry run it says what it would do and changes nothing", async () => {
      const document = addDocument(fixture, {
        name: "doc.txt",
        text: "Invoice INV-1 from ACME Ltd, total 119.00 EUR",
        category: options.category ?? "invoice",
      });
      const before = snapshot(fixture);
      const svc = options.servicesFor?.(fixture) ?? services(fixture);
      const effects = dryRunEffects(fixture.store);
      const config = kind.configSchema.parse(options.config(fixture));
      const event = buildEvent(fixture.store, {
        trigger: "document.classified",
        handler: "under-test",
        documentId: document.id,
        invoiceId: null,
        classificationId: null,
        category: options.category ?? "invoice",
        deliveryId: "d".repeat(64),
        runId: null,
        attempt: 1,
        redelivery: false,
        occurredAt: new Date().toISOString(),
      });
      try {
        const outcome = await kind.run({
          config,
          event,
          effects,
          services: svc,
          signal: new AbortController().signal,
        });
        expect(outcome.summary.length).toBeGreaterThan(0);
      } catch (error) {
        expect(error).toBeInstanceOf(HandlerFailure);
      }
      expect(effects.journal.length).toBeGreaterThan(0);
      for (const line of effects.journal) expect(line).toMatch(/^(would|already)/);
      expect(snapshot(fixture)).toEqual(before);
    });
  });
}

/** Every file under the fixture (but the database) and every row that handlers write. */
function snapshot(fixture: Fixture) {
  const files = readdirSync(fixture.dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("docsort.db"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  const count = (table: string) =>
    (fixture.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    files,
    invoices: count("invoices"),
    runs: count("handler_runs"),
    events: count("events"),
    documents: fixture.store.db.prepare("SELECT id, path FROM documents").all(),
  };
}

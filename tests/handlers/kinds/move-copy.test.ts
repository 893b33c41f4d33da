import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../../src/handlers/handler-event.js";
import type { HandlerKind } from "../../../src/handlers/handler-kind.js";
import { copyKind } from "../../../src/handlers/kinds/copy.js";
import { moveKind } from "../../../src/handlers/kinds/move.js";
import { liveEffects } from "../../../src/handlers/live-effects.js";
import { addDocument, type Fixture, openFixture, services } from "../fixtures.js";
import { handlerContract } from "../handler-contract.js";

for (const kind of [moveKind, copyKind]) {
  handlerContract(kind, {
    config: (fixture) => ({
      root: path.join(fixture.dir, "filed"),
      template: "{category}/{yyyy}/{name}{ext}",
    }),
    invalid: [
      [{ root: "relative/dir" }, "root"],
      [{ root: "/srv", template: "../{name}" }, "template"],
      [{ root: "/srv", template: "/abs/{name}" }, "template"],
      [{ root: "/srv", template: "{unknown}" }, "template"],
      [{ root: "/srv", maxValueChars: 2 }, "maxValueChars"],
    ],
    category: "receipt",
  });
}

let fixture: Fixture;
beforeEach(() => {
  fixture = openFixture();
});
afterEach(() => fixture.cleanup());

async function file(kind: HandlerKind, name: string, template = "{category}/{yyyy}/{mm}/{name}{ext}") {
  const document = addDocument(fixture, { name, text: `receipt ${name}`, category: "receipt" });
  const root = path.join(fixture.dir, "filed");
  mkdirSync(root, { recursive: true });
  const event = buildEvent(fixture.store, {
    trigger: "document.classified",
    handler: kind.name,
    documentId: document.id,
    invoiceId: null,
    classificationId: null,
    category: "receipt",
    deliveryId: "m".repeat(64),
    runId: 1,
    attempt: 1,
    redelivery: false,
    occurredAt: new Date().toISOString(),
  });
  const outcome = await kind.run({
    config: kind.configSchema.parse({ root, template }),
    event,
    effects: liveEffects(fixture.store, kind.name),
    services: services(fixture),
    signal: new AbortController().signal,
  });
  return { document, outcome, root, after: fixture.store.documents.get(document.id) };
}

describe("move and copy", () => {
  it("move files the document under its template and records the new location", async () => {
    const { document, outcome, root, after } = await file(moveKind, "Kassenbon 12:30.txt");
    const [yyyy, mm] = document.createdAt.split("-");
    const target = path.join(root, "receipt", yyyy ?? "", mm ?? "", "Kassenbon 12_30.txt");
    expect(outcome.summary).toBe(`moved to ${target}`);
    expect(existsSync(document.path)).toBe(false);
    expect(readFileSync(target, "utf8")).toBe("receipt Kassenbon 12:30.txt");
    expect(after?.path).toBe(target);
    expect(fixture.store.files.get(target)?.documentId).toBe(document.id);
    expect(fixture.store.files.get(document.path)).toBeUndefined();
    expect(fixture.store.events.forDocument(document.id).at(-1)).toMatchObject({ type: "moved" });
  });

  it("copy leaves the original and the document's path; a second copy of other content gets a suffix", async () => {
    const first = await file(copyKind, "a.txt", "{category}/same-name.txt");
    const second = await file(copyKind, "b.txt", "{category}/same-name.txt");
    expect(existsSync(first.document.path)).toBe(true);
    expect(first.after?.path).toBe(first.document.path);
    expect(readdirSync(path.join(first.root, "receipt")).sort()).toEqual([
      "same-name-1.txt",
      "same-name.txt",
    ]);
    expect(second.outcome.summary).toContain("same-name-1.txt");
    expect(fixture.store.events.forDocument(first.document.id).at(-1)).toMatchObject({ type: "filed" });
  });
});

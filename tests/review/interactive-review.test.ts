import { screen, wrapPrompt } from "@inquirer/testing/vitest";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BuiltinClassifier } from "../../src/classify/builtin/builtin-classifier.js";
import { runInteractiveReview } from "../../src/review/interactive-review.js";
import { ExamplesIndex } from "../../src/store/examples-index.js";
import type { Store } from "../../src/store/store.js";
import { testConfig } from "../support/test-config.js";
import { addDocument, CATEGORIES, eventCount, openTestStore, type TestStore } from "./fixtures.js";

// docsort's one-key prompt, on the same test screen as Inquirer's own prompts
vi.mock("../../src/review/key-prompt.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/review/key-prompt.js")>();
  return { ...actual, keyPrompt: wrapPrompt(actual.keyPrompt) };
});

let t: TestStore;
let store: Store;
let printed: string[];
let shown: string[];
beforeEach(() => {
  t = openTestStore();
  store = t.store;
  printed = [];
  shown = [];
});
afterEach(() => t.cleanup());

function startReview() {
  return runInteractiveReview({
    store,
    config: testConfig(),
    builtin: new BuiltinClassifier(CATEGORIES, () => undefined),
    actor: "alice",
    io: {
      print: (text) => printed.push(text),
      showText: async (title, text) => {
        shown.push(`${title}\n${text}`);
      },
    },
  });
}

/** Answers the current prompt with one key, no Enter; `last` when no prompt follows (the session ends). */
async function press(key: string, last = false): Promise<void> {
  screen.keypress(key);
  if (!last) await screen.next();
}

const history = (id: number) => store.classifications.history(id).map((c) => `${c.source}:${c.category}`);

describe("docsort review, driven with the keyboard", () => {
  it("a accepts, c picks another category, t shows the text, s skips, q quits; each decision is saved at once", async () => {
    const invoice = addDocument(store, {
      name: "acme.txt",
      text: "ACME Ltd\nInvoice No. 17\nTotal due: 119.00 EUR",
      category: "invoice",
      confidence: 0.41,
    });
    const letter = addDocument(store, {
      name: "taxi.txt",
      text: "Taxi Quittung\nFahrpreis CHF 38.40\nBezahlt mit Karte",
      category: "letter",
      confidence: 0.52,
    });
    const skipped = addDocument(store, {
      name: "cv.txt",
      text: "Curriculum vitae",
      category: "resume",
      confidence: 0.6,
    });

    const session = startReview();
    expect(screen.getScreen()).toContain("#1: decide");
    expect(printed.join("\n")).toMatch(
      /#1 {2}acme\.txt[\s\S]*category {5}invoice 0\.41 \(llm\)[\s\S]*why here {5}low confidence/,
    );
    await press("a");
    expect(history(invoice.id)).toEqual(["llm:invoice", "human:invoice"]);
    expect(store.documents.get(invoice.id)?.status).toBe("done");

    expect(screen.getScreen()).toContain("#2: decide");
    await press("t");
    expect(shown[0]).toContain("Fahrpreis CHF 38.40");
    expect(screen.getScreen()).toContain("#2: decide");
    await press("c");
    expect(screen.getScreen()).toContain("#2: category");
    expect(screen.getScreen()).toContain("receipt");
    screen.type("receipt");
    for (let i = 0; i < CATEGORIES.length && !screen.getScreen().includes("❯ receipt"); i += 1) {
      screen.keypress("down");
    }
    expect(screen.getScreen()).toContain("❯ receipt");
    screen.keypress("enter");
    await screen.next();
    expect(history(letter.id)).toEqual(["llm:letter", "human:receipt"]);
    expect(new ExamplesIndex(store.db).get(letter.id)).toMatchObject({
      category: "receipt",
      correctedFrom: "letter",
    });

    expect(screen.getScreen()).toContain("#3: decide");
    await press("s", true);
    const summary = await session;
    expect(printed.at(-1)).toBe("The review queue is done.");
    expect(summary).toEqual({ decided: 2, skipped: 1, undone: 0, remaining: 1, routed: [invoice.id] });
    expect(store.documents.get(skipped.id)?.status).toBe("needs_review");
    expect(eventCount(store, invoice.id, "routed")).toBe(1);
    expect(eventCount(store, letter.id, "routed")).toBe(1);
  });

  it("a key decides at once; Enter and unknown keys decide nothing", async () => {
    const doc = addDocument(store, {
      name: "one.txt",
      text: "Invoice one total 10.00",
      category: "invoice",
      confidence: 0.3,
    });
    const session = startReview();
    screen.keypress("enter");
    screen.keypress("x");
    expect(screen.getScreen()).toContain("press one of a c s t q");
    expect(history(doc.id)).toEqual(["llm:invoice"]);
    screen.keypress("a");
    expect(await session).toMatchObject({ decided: 1, remaining: 0 });
    expect(history(doc.id)).toEqual(["llm:invoice", "human:invoice"]);
  });

  it("u undoes the last decision and shows that document again", async () => {
    const first = addDocument(store, {
      name: "one.txt",
      text: "Invoice one total 10.00",
      category: "invoice",
      confidence: 0.3,
    });
    addDocument(store, { name: "two.txt", text: "Dear Sir, a letter", category: "letter", confidence: 0.5 });

    const session = startReview();
    await press("a");
    expect(screen.getScreen()).toContain("#2: decide");
    await press("u");
    expect(printed.join("\n")).toContain("↶ #1 undone: back to invoice (llm)");
    expect(screen.getScreen()).toContain("#1: decide");
    expect(history(first.id)).toEqual(["llm:invoice", "human:invoice", "llm:invoice"]);
    expect(store.documents.get(first.id)?.status).toBe("needs_review");
    await press("q", true);

    expect(await session).toEqual({ decided: 0, skipped: 0, undone: 1, remaining: 2, routed: [first.id] });
    expect(store.handlerRuns.forDocument(first.id)).toEqual([]);
    expect(eventCount(store, first.id, "runs_cancelled")).toBe(1);
  });

  it("quitting midway (q, or Ctrl-C inside a prompt) keeps every decision already made", async () => {
    const docs = [1, 2, 3].map((n) =>
      addDocument(store, {
        name: `doc${n}.txt`,
        text: `Letter number ${n}`,
        category: "letter",
        confidence: 0.1 * n,
      }),
    );

    const session = startReview();
    await press("a");
    expect(screen.getScreen()).toContain("#2: decide");
    screen.keypress({ name: "c", ctrl: true });

    expect(await session).toEqual({ decided: 1, skipped: 0, undone: 0, remaining: 2, routed: [] });
    expect(docs.map((d) => store.documents.get(d.id)?.status)).toEqual([
      "done",
      "needs_review",
      "needs_review",
    ]);
    expect(history(docs[0]?.id ?? 0)).toEqual(["llm:letter", "human:letter"]);
  });
});

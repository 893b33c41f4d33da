import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText, type RecordedRequest, type Reply } from "../support/ollama-server.js";
import { runDocsort } from "../support/run-docsort.js";
import { countEvents, readDocuments } from "../support/store-reader.js";

const TAXI_1 =
  "Stadt-Taxi Kessel\nQuittung\nFahrt vom Hauptbahnhof zum Messegelände\nFahrpreis EUR 23,40\nTrinkgeld 2,00\nVielen Dank und gute Fahrt\n";
const TAXI_2 =
  "Stadt-Taxi Kessel\nQuittung\nFahrt vom Flughafen zum Hauptbahnhof\nFahrpreis EUR 41,80\nTrinkgeld 3,00\nVielen Dank und gute Fahrt\n";
const MEMO =
  "Memo to all staff\nThe canteen will be closed on Friday for cleaning.\nPlease plan accordingly.\n";

/** A model that is unsure of everything: it says "letter" with low confidence. */
function unsureModel(request: RecordedRequest): Reply {
  const text = documentPart(lastUserText(request));
  return {
    kind: "json",
    value: {
      category: "letter",
      confidence: 0.45,
      summary: "a document",
      evidence: text.split("\n")[0] ?? "",
    },
  };
}

interface ShowJson {
  document: { status: string };
  classifications: {
    source: string;
    category: string;
    actor: string | null;
    note: string | null;
    details: Record<string, unknown>;
  }[];
}

let env: E2eEnv;
const ids = { taxi1: -1, taxi2: -1, memo: -1 };
const show = async (id: number) =>
  JSON.parse((await runDocsort(["show", String(id), "--json"], env)).stdout) as ShowJson;
const idOf = (name: string) => readDocuments(env.home).find((d) => d.name === name)?.id ?? -1;

beforeAll(async () => {
  env = await createE2eEnv();
  env.writeConfig({ intake: { stableMs: 100 }, learning: { examples: 3 } });
  env.server.script(unsureModel);
  writeFileSync(path.join(env.inbox, "taxi-1.txt"), TAXI_1);
  writeFileSync(path.join(env.inbox, "memo.txt"), MEMO);
  const first = await runDocsort(["watch", "--once"], env);
  if (first.code !== 0) throw new Error(first.stderr);
  ids.taxi1 = idOf("taxi-1.txt");
  ids.memo = idOf("memo.txt");
}, 240_000);
afterAll(async () => env?.cleanup());

describe("reviewing from the CLI, and learning from it", () => {
  it("review --list shows the uncertain documents with why they are there", async () => {
    const listed = await runDocsort(["review", "--list", "--json"], env);
    const cards = JSON.parse(listed.stdout) as {
      id: number;
      category: string;
      reason: string;
      alternatives: unknown[];
    }[];
    expect(cards.map((c) => c.id).sort()).toEqual([ids.taxi1, ids.memo].sort());
    expect(cards[0]).toMatchObject({ category: "letter", reason: "low confidence (0.45 < 0.7)" });
    expect(cards[0]?.alternatives.length).toBeGreaterThan(0);
    const table = await runDocsort(["review", "--list"], env);
    expect(table.stdout).toMatch(/ID\s+CATEGORY\s+CONF\s+SOURCE\s+FILE\s+WHY/);
    const interactive = await runDocsort(["review"], env);
    expect(interactive.code).toBe(2);
    expect(interactive.stderr).toContain("docsort review needs a terminal");
  });

  it("set records a human decision (who, note) and routes the document exactly once", async () => {
    const set = await runDocsort(
      ["set", String(ids.taxi1), "receipt", "--by", "alice", "--note", "a taxi ride"],
      env,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`#${ids.taxi1} taxi-1.txt: set to receipt, routed`);
    const again = await runDocsort(["set", String(ids.taxi1), "receipt", "--by", "alice"], env);
    expect(again.stdout).toContain("already confirmed; nothing changed");

    const shown = await show(ids.taxi1);
    expect(shown.document.status).toBe("done");
    expect(shown.classifications.map((c) => `${c.source}:${c.category}`)).toEqual([
      "llm:letter",
      "human:receipt",
    ]);
    expect(shown.classifications[1]).toMatchObject({ actor: "alice", note: "a taxi ride" });
    expect(countEvents(env.home, "routed").get(ids.taxi1)).toBe(1);
  });

  it("the correction appears as an example in the prompt of the next similar document, and is recorded", async () => {
    env.server.reset();
    env.server.script(unsureModel);
    writeFileSync(path.join(env.inbox, "taxi-2.txt"), TAXI_2);
    const second = await runDocsort(["watch", "--once"], env);
    expect(second.code, second.stderr).toBe(0);
    ids.taxi2 = idOf("taxi-2.txt");

    const prompt = env.server.requests.map((r) => lastUserText(r)).find((t) => t.includes("Flughafen"));
    expect(prompt).toBeDefined();
    expect(prompt).toContain("documents a person has already confirmed");
    expect(prompt).toContain(
      '<example category="receipt">\nStadt-Taxi Kessel Quittung Fahrt vom Hauptbahnhof',
    );
    const classification = (await show(ids.taxi2)).classifications[0];
    expect(classification?.details.examples).toEqual([
      expect.objectContaining({ documentId: ids.taxi1, category: "receipt" }),
    ]);
  });

  it("undo restores the previous classification with a new row and puts the document back in review", async () => {
    const undo = await runDocsort(["undo", String(ids.taxi1), "--by", "bob"], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain("receipt undone; back to letter (llm), waiting for review");
    const shown = await show(ids.taxi1);
    expect(shown.document.status).toBe("needs_review");
    expect(shown.classifications.map((c) => `${c.source}:${c.category}`)).toEqual([
      "llm:letter",
      "human:receipt",
      "llm:letter",
    ]);
    expect(shown.classifications[2]?.details.undoneClassificationId).toBeTypeOf("number");

    const accept = await runDocsort(["accept", String(ids.memo), String(ids.taxi1), "--by", "carol"], env);
    expect(accept.code, accept.stderr).toBe(0);
    expect(countEvents(env.home, "routed").get(ids.memo)).toBe(1);
    expect(countEvents(env.home, "routed").get(ids.taxi1)).toBe(2);
  });

  it("rules run before the model and are recorded as source rule; reclassify shows what would change", async () => {
    const add = await runDocsort(
      ["rules", "add", "receipt", "--keyword", "Stadt-Taxi", "--note", "taxi receipts"],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('added rule #1: text contains "Stadt-Taxi" → receipt');
    const list = JSON.parse((await runDocsort(["rules", "list", "--json"], env)).stdout) as { id: number }[];
    expect(list).toHaveLength(1);

    const dry = await runDocsort(["reclassify", String(ids.taxi2), String(ids.taxi1), "--dry-run"], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `#${ids.taxi2} taxi-2.txt: letter 0.45 (llm) → receipt 1.00 (rule): would be routed`,
    );
    expect(dry.stdout).toMatch(
      new RegExp(`#${ids.taxi1} taxi-1.txt: .*skipped \\(decided by carol; use --force`),
    );
    expect((await show(ids.taxi2)).classifications).toHaveLength(1);

    const real = await runDocsort(["reclassify", String(ids.taxi2)], env);
    expect(real.stdout).toContain("→ receipt 1.00 (rule): routed");
    expect((await show(ids.taxi2)).document.status).toBe("done");

    const bad = await runDocsort(["rules", "add", "receipt", "--regex", "(unclosed"], env);
    expect(bad.code).toBe(2);
    const removed = await runDocsort(["rules", "remove", "1"], env);
    expect(removed.stdout).toContain("removed rule #1");
  });

  it("rules suggest proposes a rule once enough documents from one sender were corrected the same way", async () => {
    env.server.reset();
    env.server.script(unsureModel);
    for (const n of [1, 2, 3]) {
      writeFileSync(
        path.join(env.inbox, `order-${n}.eml`),
        `Subject: Your order ${n}\nFrom: Shop <orders@shop.example>\nTo: me@home.example\n\nThanks for order ${n}, paid by card.\n`,
      );
    }
    expect((await runDocsort(["watch", "--once"], env)).code).toBe(0);
    for (const n of [1, 2, 3]) {
      expect((await runDocsort(["set", String(idOf(`order-${n}.eml`)), "receipt"], env)).code).toBe(0);
    }
    const suggest = await runDocsort(["rules", "suggest"], env);
    expect(suggest.stdout).toContain('sender contains "@shop.example" → receipt: 3 corrections');
    expect(suggest.stdout).toContain("docsort rules add receipt --on sender --keyword @shop.example");
  });
});

import { describe, expect, it } from "vitest";
import {
  BuiltinClassifier,
  builtinDecision,
  seedTrainingExamples,
} from "../../../src/classify/builtin/builtin-classifier.js";
import { BuiltinModel } from "../../../src/classify/builtin/builtin-model.js";
import { SEED_EXAMPLES } from "../../../src/classify/builtin/seed-examples.js";
import { DEFAULT_TAXONOMY } from "../../../src/config/default-taxonomy.js";

const CATEGORIES = DEFAULT_TAXONOMY.map((c) => c.name);

/** Short documents written for this test, in the three languages the seeds cover. */
const CASES: [string, string][] = [
  [
    "invoice",
    "Rechnung Nr. 88\nRechnungsdatum 02.04.2025\nNettobetrag 100,00 €, USt 19 %, Rechnungsbetrag 119,00 €",
  ],
  ["invoice", "FACTURE n° 2025-7\nTotal HT 200,00 €\nTVA 20 %\nTotal TTC 240,00 €\nÉchéance 30 jours"],
  ["receipt", "Corner Bakery\n2 croissants 4.20\nTOTAL 4.20\nPaid by card, thank you, keep your receipt"],
  [
    "purchase_order",
    "PURCHASE ORDER PO-1182\nSupplier: Widget Co\nShip to: our warehouse\nQty 40 widgets, unit cost 2.00",
  ],
  [
    "contract",
    "This agreement is made between the parties. Term and termination. Governing law. Signed by both parties.",
  ],
  [
    "resume",
    "Lebenslauf\nBerufserfahrung: 2019–2024 Buchhalterin\nAusbildung: Studium BWL\nSprachkenntnisse: Englisch",
  ],
  [
    "bank_statement",
    "Kontoauszug 3/2025\nIBAN DE00 1234\nAlter Saldo 1.000,00\nLastschrift Strom -80,00\nNeuer Saldo 920,00",
  ],
  [
    "letter",
    "Madame, Monsieur,\nnous vous informons d'un changement.\nVeuillez agréer nos salutations distinguées.",
  ],
];

describe("the built-in classifier (TF-IDF + logistic regression)", () => {
  const model = BuiltinModel.train(seedTrainingExamples(), CATEGORIES);

  it("ships seed examples for every default category, in English, German and French", () => {
    for (const category of CATEGORIES) {
      const langs = new Set(SEED_EXAMPLES.filter((s) => s.category === category).map((s) => s.lang));
      expect([...langs].sort(), category).toEqual(expect.arrayContaining(["en"]));
      expect(SEED_EXAMPLES.filter((s) => s.category === category).length).toBeGreaterThanOrEqual(4);
    }
    expect(new Set(SEED_EXAMPLES.map((s) => s.lang))).toEqual(new Set(["en", "de", "fr"]));
  });

  it.each(CASES)("classifies a short %s from the seeds alone", (category, text) => {
    expect(model?.rank(text)[0]?.category).toBe(category);
  });

  it("gives probabilities that add up to 1, and a low confidence to text unlike anything it knows", () => {
    const ranking = model?.rank("zebra quantum lollipop orbit") ?? [];
    expect(ranking.reduce((sum, r) => sum + r.probability, 0)).toBeCloseTo(1, 6);
    expect(ranking[0]?.probability ?? 1).toBeLessThan(0.5);
  });

  it("is deterministic: the same training data gives the same model", () => {
    const again = BuiltinModel.train(seedTrainingExamples(), CATEGORIES);
    expect(again?.rank(CASES[0]?.[1] ?? "")).toEqual(model?.rank(CASES[0]?.[1] ?? ""));
  });

  it("learns from confirmed documents and retrains only when their version changes", () => {
    let version = "1";
    const confirmed = [
      { category: "other", text: "Wartungsprotokoll Aufzug Prüfung bestanden Techniker Unterschrift" },
      { category: "other", text: "Wartungsprotokoll Heizung Prüfung Messwerte Techniker" },
      { category: "other", text: "Wartungsprotokoll Lüftung Prüfung Filterwechsel Techniker" },
    ];
    let examples: typeof confirmed = [];
    let reads = 0;
    const classifier = new BuiltinClassifier(CATEGORIES, () => ({
      version: () => version,
      examples: () => {
        reads += 1;
        return examples;
      },
    }));
    const text = "Wartungsprotokoll Brandmeldeanlage, Prüfung durch Techniker";
    const before = classifier.rank({ name: "scan.pdf", text })?.ranking[0];
    classifier.rank({ name: "scan.pdf", text });
    expect(reads).toBe(1);

    examples = confirmed;
    version = "2";
    const after = classifier.rank({ name: "scan.pdf", text })?.ranking[0];

    expect(reads).toBe(2);
    expect(after?.category).toBe("other");
    expect(before?.category === "other" ? (after?.probability ?? 0) > before.probability : true).toBe(true);
  });

  it("explains its decision with the words that weighed most and records its ranking", () => {
    const classifier = new BuiltinClassifier(CATEGORIES, () => undefined);
    const input = { name: "rechnung.txt", text: CASES[0]?.[1] ?? "" };
    const ranked = classifier.rank(input);
    if (!ranked) throw new Error("no model");
    const decision = builtinDecision(input, ranked);
    expect(decision).toMatchObject({ category: "invoice", source: "builtin", model: "builtin" });
    expect(decision.evidence).toMatch(/^words: .*rechnung/);
    expect(decision.details).toMatchObject({ builtin: { trainedOn: SEED_EXAMPLES.length, confirmed: 0 } });
  });

  it("trains on thousands of documents (model size is fixed by feature hashing)", () => {
    const many = Array.from({ length: 2000 }, (_, i) => {
      const [category, text] = CASES[i % CASES.length] ?? ["other", ""];
      return { category, text: `${text} variant ${i}` };
    });
    const big = BuiltinModel.train([...seedTrainingExamples(), ...many], CATEGORIES);
    expect(big?.stats.examples).toBe(2000 + SEED_EXAMPLES.length);
    expect(big?.rank(CASES[3]?.[1] ?? "")[0]?.category).toBe("purchase_order");
  });
});

import type { Config } from "../config/schema.js";
import { ExamplesIndex } from "../store/examples-index.js";
import { RulesRepo } from "../store/rules-repo.js";
import type { Store } from "../store/store.js";
import { BuiltinClassifier, type ConfirmedSource } from "./builtin/builtin-classifier.js";
import { fallsBackToBuiltin } from "./builtin/fallback-policy.js";
import { CascadeClassifier } from "./cascade.js";
import type { ClassifyInput, DocumentClassifier } from "./document-classifier.js";
import type { ExampleFinder } from "./llm-document-classifier.js";

/** The store, when there is one: `classify --dry-run` must not create a database just to read rules. */
export type StoreProvider = () => Store | undefined;

export function confirmedSource(store: StoreProvider): () => ConfirmedSource | undefined {
  return () => {
    const opened = store();
    if (!opened) return undefined;
    const index = new ExamplesIndex(opened.db);
    return {
      version: () => index.version(),
      examples: () => index.all().map((e) => ({ category: e.category, text: e.text, name: e.name })),
    };
  };
}

/** Similar confirmed documents for the prompt; a document is never its own example. */
export function exampleFinder(store: StoreProvider, k: number): ExampleFinder {
  return (input: ClassifyInput) => {
    const opened = store();
    if (!opened || k === 0) return [];
    return new ExamplesIndex(opened.db).similar(input.text, k, input.documentId);
  };
}

export function buildCascade(
  config: Config,
  store: StoreProvider,
  llm: DocumentClassifier,
): CascadeClassifier {
  const categories = config.taxonomy.map((c) => c.name);
  return new CascadeClassifier({
    rules: () => {
      const opened = store();
      return opened ? new RulesRepo(opened.db).enabled() : [];
    },
    builtin: new BuiltinClassifier(categories, confirmedSource(store)),
    llm,
    fallsBack: () => fallsBackToBuiltin(config.model.fallback, store()?.meta),
    neighbours: (input, k) => exampleFinder(store, k)(input),
    settings: config.builtin,
  });
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable, type Label, loadLabels, normalise } from "../support/corpus.js";
import { corpusResponder, createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText } from "../support/ollama-server.js";
import { type RunResult, runDocsort } from "../support/run-docsort.js";
import { type DocRow, readDocuments } from "../support/store-reader.js";

const TEXT_FORMATS = new Set(["pdf", "html", "txt", "md", "csv", "txt (ISO-8859-1)", "pdf (misnamed .txt)"]);
const EDGE_FORMATS = new Set(["empty", "tiny (3 bytes)"]);

describe.skipIf(!corpusAvailable)("docsort watch --once on the text formats of the labeled corpus", () => {
  let env: E2eEnv;
  let labels: Label[];
  let run: RunResult;
  let documents: DocRow[];

  beforeAll(async () => {
    env = await createE2eEnv();
    labels = loadLabels().filter((l) => TEXT_FORMATS.has(l.format) || EDGE_FORMATS.has(l.format));
    for (const label of labels) env.dropCorpusFile(label, label.file.split("/")[0]);
    env.server.script(corpusResponder(loadLabels()));
    env.writeConfig({ intake: { stableMs: 100 } });
    run = await runDocsort(["watch", "--once"], env);
    documents = readDocuments(env.home);
  }, 180_000);
  afterAll(async () => env?.cleanup());

  const byFile = (label: Label) => documents.find((d) => d.path.endsWith(label.file));

  it("exits 0 with every document in a final state, each classified exactly once", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(documents).toHaveLength(labels.length);
    for (const d of documents) {
      expect(["done", "needs_review"]).toContain(d.status);
      expect(d.claimed_by).toBeNull();
      expect(d.classifications).toBeLessThanOrEqual(1);
    }
  });

  it("each readable document got the category the model returned, and its prompt carried its text", () => {
    const readable = labels.filter((l) => l.fingerprint !== null);
    expect(readable.length).toBeGreaterThan(20);
    for (const label of readable) {
      const doc = byFile(label);
      expect(doc, label.file).toMatchObject({ status: "done", category: label.category, source: "llm" });
      const prompt = env.server.requests.find((r) =>
        normalise(documentPart(lastUserText(r))).includes(normalise(label.fingerprint ?? "")),
      );
      expect(prompt, `no prompt carried the text of ${label.file}`).toBeDefined();
    }
    // the invoice workflow (on by default) asks the model a second time, for invoice fields
    const classifications = env.server.requests.filter((r) =>
      JSON.stringify(r.format).includes('"category"'),
    );
    expect(classifications).toHaveLength(readable.length);
  });

  it("empty and near-empty files go to review with reason 'no text', without a model call", () => {
    for (const label of labels.filter((l) => EDGE_FORMATS.has(l.format))) {
      expect(byFile(label)).toMatchObject({ status: "needs_review", classifications: 0 });
      expect(byFile(label)?.reason).toMatch(/^no text/);
    }
  });

  it("decodes Latin-1 text and reads a PDF by its content even when it is named .txt", () => {
    const latin1 = env.server.requests.map((r) => lastUserText(r)).find((t) => t.includes("REF H7PNY 4249"));
    expect(latin1).toMatch(/Kündigung|Wartungsvertrag/);
    expect(latin1).not.toContain("\uFFFD");
    const misnamed = labels.find((l) => l.format === "pdf (misnamed .txt)");
    expect(misnamed && byFile(misnamed)).toMatchObject({ status: "done", category: "receipt" });
  });

  it("cuts the 60-page contract to the context budget, keeping its beginning", () => {
    const prompt = env.server.requests.map((r) => lastUserText(r)).find((t) => t.includes("REF JTKJR 7223"));
    expect(prompt).toMatch(/\[… \d+ characters omitted …\]/);
    expect(prompt?.length ?? 0).toBeLessThan(8192 * 3);
  });

  it("prints one line per document with id, status, category, confidence and file", () => {
    const receipt = documents.find((d) => d.name === "scan_0042.txt");
    expect(run.stdout).toMatch(
      new RegExp(`#${receipt?.id}  done  receipt  0\\.93  llm  receipts/scan_0042\\.txt`),
    );
  });
});

import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable, type Label, loadLabels, normalise } from "../support/corpus.js";
import { corpusModel } from "../support/corpus-model.js";
import { createE2eEnv, documentPart, type E2eEnv } from "../support/e2e-env.js";
import { lastUserText } from "../support/ollama-server.js";
import { type RunResult, runDocsort } from "../support/run-docsort.js";
import { type DocRow, readDocuments } from "../support/store-reader.js";

/** The whole labeled corpus, every format, dropped at once — plus files docsort must refuse, with a reason. */
describe.skipIf(!corpusAvailable)("docsort watch --once on the whole labeled corpus", () => {
  let env: E2eEnv;
  let labels: Label[];
  let run: RunResult;
  let documents: DocRow[];

  beforeAll(async () => {
    env = await createE2eEnv();
    labels = loadLabels();
    for (const label of labels) env.dropCorpusFile(label, label.file.split("/")[0]);
    writeFileSync(
      path.join(env.inbox, "setup.exe"),
      Buffer.from("MZ\x90\x00\x03\x00\x00\x00binary\x00\x01\x02", "latin1"),
    );
    writeFileSync(path.join(env.inbox, "broken.pdf"), "%PDF-1.7\n1 0 obj garbage\n%%EOF");
    env.server.script(corpusModel(labels));
    env.writeConfig({ intake: { stableMs: 100 } });
    run = await runDocsort(["watch", "--once"], env, 240_000);
    documents = readDocuments(env.home);
  }, 300_000);
  afterAll(async () => env?.cleanup());

  const top = (file: string) => documents.find((d) => d.parent_id === null && d.path.endsWith(file));
  const prompts = () => env.server.requests.map((r) => normalise(documentPart(lastUserText(r))));

  it("ends with every document in a final state and exits 0", () => {
    expect(run.code, run.stderr).toBe(0);
    for (const d of documents) {
      expect(["done", "needs_review", "quarantined", "duplicate"], `${d.name}: ${d.reason}`).toContain(
        d.status,
      );
      expect(d.claimed_by).toBeNull();
    }
    expect(documents.filter((d) => d.parent_id === null)).toHaveLength(labels.length + 2);
  });

  it("every readable document is classified as the model said, and its prompt carried its text", () => {
    const sent = prompts();
    for (const label of labels.filter((l) => l.fingerprint !== null)) {
      const fingerprint = normalise(label.fingerprint ?? "");
      expect(
        sent.some((p) => p.includes(fingerprint)),
        `no prompt carried ${label.file}`,
      ).toBe(true);
      const carrier = label.format === "eml+pdf" ? attachmentOf(label) : top(label.file);
      expect(carrier, label.file).toMatchObject({ category: label.category, source: "llm" });
    }
  });

  it("e-mail attachments are child documents linked to their e-mail", () => {
    for (const label of labels.filter((l) => l.format === "eml+pdf")) {
      const mail = top(label.file);
      const children = documents.filter((d) => d.parent_id === mail?.id);
      expect(
        children.map((c) => c.name),
        label.file,
      ).toEqual([expect.stringMatching(/\.pdf$/)]);
      expect(children[0]?.status).toBe("done");
    }
  });

  it("reads photos, scans and a PDF named .txt by their content", () => {
    for (const label of labels.filter((l) =>
      ["png", "jpg", "pdf-scan", "pdf (misnamed .txt)"].includes(l.format),
    )) {
      expect(top(label.file), label.file).toMatchObject({ status: "done", category: label.category });
    }
  });

  it("edge cases end with a reason a person can act on", () => {
    expect(top("other/scan_2025-03-14.pdf")).toMatchObject({ status: "needs_review", reason: "no text" });
    expect(top("other/fragment.txt")?.reason).toMatch(/^no text/);
    expect(top("setup.exe")).toMatchObject({ status: "quarantined" });
    expect(top("setup.exe")?.reason).toMatch(
      /^unsupported type application\/x-msdownload \(\.exe\): docsort reads PDF/,
    );
    expect(top("broken.pdf")).toMatchObject({ status: "quarantined" });
    expect(top("broken.pdf")?.reason).toMatch(/damaged.*re-export or re-download it/);
  });

  function attachmentOf(label: Label): DocRow | undefined {
    const mail = top(label.file);
    return documents.find((d) => d.parent_id === mail?.id);
  }
});

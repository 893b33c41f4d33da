/**
 * The naive baseline of `npm run bench` (issue 11): read each text file of a folder, ask ChatOllama with the same
 * classification schema, insert a row into SQLite; N workers. What a person would write in an afternoon.
 *
 *   node naive-baseline.js INBOX DB_FILE
 *   env: OLLAMA_HOST (or OLLAMA_HOSTS, comma-separated: workers take them in turn), NAIVE_WORKERS,
 *        NAIVE_MODEL, NAIVE_TAXONOMY (JSON [{name, description}])
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AIMessage } from "@langchain/core/messages";
import { ChatOllama } from "@langchain/ollama";
import Database from "better-sqlite3";
import { z } from "zod";

const TEXT = new Set([".txt", ".md", ".csv", ".html", ".htm", ".eml", ".json", ".xml"]);
const [inbox = "inbox", dbFile = "naive.db"] = process.argv.slice(2);
const hosts = (process.env.OLLAMA_HOSTS ?? process.env.OLLAMA_HOST ?? "http://127.0.0.1:11434").split(",");
const workers = Number(process.env.NAIVE_WORKERS ?? "1");
const taxonomy = z
  .array(z.object({ name: z.string(), description: z.string() }))
  .min(2)
  .parse(JSON.parse(process.env.NAIVE_TAXONOMY ?? "[]"));
const names = taxonomy.map((c) => c.name) as [string, ...string[]];
const schema = z.object({
  category: z.enum(names).describe("One category of the taxonomy."),
  confidence: z.number().min(0).max(1).describe("Probability that the category is right, 0 to 1."),
  summary: z.string().describe("One line: what the document is, from whom, about what."),
  evidence: z.string().describe("A short quote from the document that supports the category."),
});
const system = [
  "You classify documents. Categories:",
  ...taxonomy.map((c) => `- ${c.name}: ${c.description}`),
  "Answer with JSON: category, confidence (0 to 1), summary (one line), evidence (a short quote).",
].join("\n");

const db = new Database(dbFile);
db.exec(`CREATE TABLE IF NOT EXISTS results (file TEXT, category TEXT, confidence REAL, summary TEXT,
  prompt_tokens INTEGER, output_tokens INTEGER, error TEXT, started_ms REAL, finished_ms REAL)`);
const insert = db.prepare("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
const entries = await readdir(inbox, { recursive: true, withFileTypes: true });
const files = entries
  .filter((e) => e.isFile() && TEXT.has(path.extname(e.name).toLowerCase()))
  .map((e) => path.join(e.parentPath, e.name))
  .sort();

let next = 0;
async function worker(index: number): Promise<void> {
  const model = process.env.NAIVE_MODEL ?? "llama3.2";
  const llm = new ChatOllama({ baseUrl: hosts[index % hosts.length], model, numCtx: 8192, temperature: 0 });
  const classify = llm.withStructuredOutput(schema, { includeRaw: true });
  for (let file = files[next++]; file !== undefined; file = files[next++]) {
    const started = performance.timeOrigin + performance.now();
    try {
      const text = await readFile(file, "utf8");
      const user = `File: ${path.basename(file)}\n<document>\n${text}\n</document>`;
      const { raw, parsed } = await classify.invoke([
        ["system", system],
        ["human", user],
      ]);
      const usage = (raw as AIMessage).usage_metadata;
      const [tokensIn, tokensOut] = [usage?.input_tokens ?? null, usage?.output_tokens ?? null];
      const done = performance.timeOrigin + performance.now();
      insert.run(
        file,
        parsed.category,
        parsed.confidence,
        parsed.summary,
        tokensIn,
        tokensOut,
        null,
        started,
        done,
      );
    } catch (error) {
      const done = performance.timeOrigin + performance.now();
      insert.run(file, null, null, null, null, null, String(error), started, done);
    }
  }
}
await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
db.close();

/**
 * npm run bench: speed and memory figures of the built CLI, printed with the targets they are held to.
 * Everything runs on loopback (an instant Ollama-protocol model), so the figures are docsort's own cost.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { seedTrainingExamples } from "../src/classify/builtin/builtin-classifier.js";
import { BuiltinModel, type TrainingExample } from "../src/classify/builtin/builtin-model.js";
import { DEFAULT_TAXONOMY } from "../src/config/default-taxonomy.js";
import { corpusAvailable, LABELED_DIR, loadLabels } from "../tests/support/corpus.js";
import { corpusModel } from "../tests/support/corpus-model.js";
import { startOllamaServer } from "../tests/support/ollama-server.js";
import { cachedDeflateBombPdf } from "../tests/support/pdf-builder.js";
import { DOCSORT_BIN } from "../tests/support/run-docsort.js";
import { tempDir } from "../tests/support/temp-dir.js";

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: { op: "<=" | ">="; value: number };
}

const figures: Figure[] = [];
const record = (figure: Figure) => {
  figures.push(figure);
  const target = figure.target ? `  (target ${figure.target.op} ${figure.target.value} ${figure.unit})` : "";
  const verdict = figure.target ? (meets(figure) ? "  ok" : "  MISSED") : "";
  console.log(
    `${figure.name.padEnd(58)} ${format(figure.value).padStart(9)} ${figure.unit}${target}${verdict}`,
  );
};

function meets(f: Figure): boolean {
  if (!f.target) return true;
  return f.target.op === "<=" ? f.value <= f.target.value : f.value >= f.target.value;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Resident memory of a process and all its descendants (extraction processes), in kB, from /proc (Linux). */
function treeRssKb(pid: number): number {
  let total = 0;
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${next}/status`, "utf8"))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${next}/task`)) {
        const children = readFileSync(`/proc/${next}/task/${task}/children`, "utf8").trim();
        if (children) pending.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * Runs the CLI and samples the peak resident memory of docsort with its extraction processes (the figure
 * extract.maxMemoryMb bounds) every 50 ms until it exits.
 */
async function runMeasured(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; peakMb: number; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, [DOCSORT_BIN, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let peakKb = 0;
  const sample = () => {
    if (child.pid !== undefined) peakKb = Math.max(peakKb, treeRssKb(child.pid));
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(timer);
  if (code !== 0) console.error(stderr);
  return { ms: performance.now() - started, peakMb: peakKb / 1024, code };
}

async function cliStartup(): Promise<void> {
  const times = Array.from({ length: 7 }, () => {
    const started = performance.now();
    execFileSync(process.execPath, [DOCSORT_BIN, "--help"], { stdio: "ignore" });
    return performance.now() - started;
  });
  record({
    name: "CLI start-up (docsort --help, median of 7)",
    value: median(times),
    unit: "ms",
    target: { op: "<=", value: 500 },
  });
}

async function textThroughput(count: number): Promise<void> {
  const dir = tempDir("docsort-bench-");
  const server = await startOllamaServer();
  server.script(() => ({
    kind: "json",
    value: { category: "letter", confidence: 0.9, summary: "bench", evidence: "bench" },
  }));
  try {
    const inbox = path.join(dir.path, "inbox");
    const home = path.join(dir.path, "home");
    mkdirSync(inbox, { recursive: true });
    mkdirSync(home, { recursive: true });
    for (let i = 0; i < count; i += 1) {
      writeFileSync(
        path.join(inbox, `letter-${i}.txt`),
        `Dear customer ${i},\n${"we write to you about your account and the changes to our terms. ".repeat(30)}\nRegards`,
      );
    }
    writeFileSync(path.join(home, "docsort.config.json"), JSON.stringify({ intake: { stableMs: 100 } }));
    const env = { ...process.env, DOCSORT_HOME: home, DOCSORT_INBOX: inbox, OLLAMA_HOST: server.url };
    const run = await runMeasured(
      ["--config", path.join(home, "docsort.config.json"), "watch", "--once"],
      env,
    );
    const latency = meanLatency(home);
    record({
      name: `text documents through the whole pipeline (${count}, instant model)`,
      value: (count / run.ms) * 1000,
      unit: "docs/s",
      target: { op: ">=", value: 20 },
    });
    record({
      name: "  model call overhead per document (LangChain + HTTP, loopback)",
      value: latency,
      unit: "ms",
      target: { op: "<=", value: 50 },
    });
    record({
      name: "  peak memory (RSS, extraction processes included)",
      value: run.peakMb,
      unit: "MB",
      target: { op: "<=", value: 400 },
    });
  } finally {
    await server.close();
    dir.cleanup();
  }
}

async function corpusRun(): Promise<void> {
  if (!corpusAvailable) {
    console.log("labeled corpus not found beside the repository (../shared/corpus): corpus figures skipped");
    return;
  }
  const dir = tempDir("docsort-bench-corpus-");
  const server = await startOllamaServer();
  server.script(corpusModel(loadLabels()));
  try {
    const inbox = path.join(dir.path, "inbox");
    const home = path.join(dir.path, "home");
    cpSync(LABELED_DIR, inbox, { recursive: true, filter: (src) => !src.endsWith("labels.json") });
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, "docsort.config.json"), JSON.stringify({ intake: { stableMs: 100 } }));
    const env = { ...process.env, DOCSORT_HOME: home, DOCSORT_INBOX: inbox, OLLAMA_HOST: server.url };
    const run = await runMeasured(
      ["--config", path.join(home, "docsort.config.json"), "watch", "--once"],
      env,
    );
    record({
      name: `labeled corpus, 48 files incl. OCR + invoice workflow (${os.availableParallelism()} workers)`,
      value: run.ms / 1000,
      unit: "s",
      target: { op: "<=", value: 90 },
    });
    record({
      name: "  peak memory (RSS, extraction processes and OCR included)",
      value: run.peakMb,
      unit: "MB",
      target: { op: "<=", value: 1500 },
    });
    const db = new Database(path.join(home, "docsort.db"), { readonly: true });
    const rows = db
      .prepare<[], { kind: string; method: string; n: number; ms: number; pages: number }>(
        `SELECT kind, method, count(*) AS n, sum(duration_ms) AS ms, sum(coalesce(pages_read, 1)) AS pages
         FROM extractions GROUP BY kind, method ORDER BY kind`,
      )
      .all();
    db.close();
    for (const row of rows) {
      const perPage = row.method === "ocr" || row.method === "mixed" ? ", per page" : "";
      record({
        name: `  extraction ${row.kind} (${row.method}, ${row.n} files${perPage})`,
        value: row.ms / (perPage ? row.pages : row.n),
        unit: "ms",
      });
    }
  } finally {
    await server.close();
    dir.cleanup();
  }
}

function builtinTraining(size: number): void {
  const seeds = seedTrainingExamples();
  const categories = DEFAULT_TAXONOMY.map((c) => c.name);
  const examples: TrainingExample[] = [...seeds];
  for (let i = 0; i < size; i += 1) {
    const seed = seeds[i % seeds.length] as TrainingExample;
    examples.push({
      category: seed.category,
      text: `${seed.text} reference ${i} customer ${i % 97} sender${i % 13}`,
    });
  }
  const started = performance.now();
  BuiltinModel.train(examples, categories);
  record({
    name: `built-in classifier retrain (${size} confirmed documents)`,
    value: performance.now() - started,
    unit: "ms",
    target: { op: "<=", value: 1000 },
  });
}

function meanLatency(home: string): number {
  const db = new Database(path.join(home, "docsort.db"), { readonly: true });
  const row = db
    .prepare<[], { ms: number }>("SELECT avg(latency_ms) AS ms FROM classifications WHERE source = 'llm'")
    .get();
  db.close();
  return row?.ms ?? 0;
}

/**
 * A 1.5 MB PDF whose content stream inflates to 1.5 GiB: docsort (default extract.maxMemoryMb, 1536 MB) beside
 * the naive way — the same extraction in the daemon's own process, with no limit, stopped after 60 s.
 */
async function deflateBomb(bytes: number): Promise<void> {
  const bomb = await cachedDeflateBombPdf(bytes);
  const dir = tempDir("docsort-bench-bomb-");
  const server = await startOllamaServer();
  try {
    const inbox = path.join(dir.path, "inbox");
    const home = path.join(dir.path, "home");
    mkdirSync(inbox, { recursive: true });
    mkdirSync(home, { recursive: true });
    cpSync(bomb, path.join(inbox, "bomb.pdf"));
    const env = { ...process.env, DOCSORT_HOME: home, DOCSORT_INBOX: inbox, OLLAMA_HOST: server.url };
    const run = await runMeasured(["watch", "--once"], env);
    record({
      name: `deflate bomb (${(bytes / 1024 ** 3).toFixed(1)} GiB stream): peak memory, docsort`,
      value: run.peakMb,
      unit: "MB",
      // the limit, plus one 100 ms sample of growth
      target: { op: "<=", value: 1536 + 64 },
    });
    const script = `import("${new URL("../dist/extract/extract-file.js", import.meta.url).href}").then(async (m) => {
      const { configFileSchema } = await import("${new URL("../dist/config/schema.js", import.meta.url).href}");
      await m.extractFile({ path: ${JSON.stringify(path.join(inbox, "bomb.pdf"))}, name: "bomb.pdf" }, configFileSchema.parse({}).extract).catch(() => {});
    });`;
    const naive = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
    let peakKb = 0;
    const timer = setInterval(() => {
      if (naive.pid !== undefined) peakKb = Math.max(peakKb, treeRssKb(naive.pid));
    }, 50);
    const stop = setTimeout(() => naive.kill("SIGKILL"), 60_000);
    await new Promise((resolve) => naive.on("close", resolve));
    clearInterval(timer);
    clearTimeout(stop);
    record({
      name: "  baseline: the same in-process, no limit (stopped after 60 s)",
      value: peakKb / 1024,
      unit: "MB",
    });
  } finally {
    await server.close();
    dir.cleanup();
  }
}

if (!existsSync(DOCSORT_BIN)) throw new Error("dist/main.js is missing: run npm run build first");
console.log(
  `docsort bench — node ${process.version}, ${os.availableParallelism()} CPUs, ${os.cpus()[0]?.model ?? "unknown CPU"}\n`,
);
await cliStartup();
await textThroughput(300);
await corpusRun();
await deflateBomb(1536 * 1024 * 1024);
builtinTraining(3000);
const missed = figures.filter((f) => !meets(f));
console.log(missed.length === 0 ? "\nall targets met" : `\n${missed.length} target(s) missed`);
process.exitCode = missed.length === 0 ? 0 : 1;

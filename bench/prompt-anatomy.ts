/**
 * What docsort and the naive script send for the same two documents, token by token (Llama 3 tokenizer, chat
 * template included): prompt size per message, what the per-slot prefix cache reuses for the second document,
 * and where the two prompts first differ — everything after that point is evaluated again.
 *
 *   npm run build && node --import tsx bench/prompt-anatomy.ts
 */
import path from "node:path";
import { type ChatRequest, schemaAnswerModel } from "./emulator/answer-model.js";
import { keywordClassifier } from "./emulator/keyword-classifier.js";
import { commonPrefix, decodeTokens, encodeText, promptTokens } from "./emulator/llama3-tokens.js";
import { startEmulator } from "./emulator/ollama-emulator.js";
import { TAXONOMY } from "./scenarios/common.js";
import { buildNaive, docsortArgs, docsortSetup, runNaive, scratch } from "./support/harness.js";
import { runMeasured } from "./support/processes.js";
import { writeSyntheticDocuments } from "./support/synthetic-documents.js";

const requests: { who: string; request: ChatRequest }[] = [];
let who = "docsort";
const answer = schemaAnswerModel(keywordClassifier);
const server = await startEmulator({
  parallel: 1,
  answer: (request) => {
    requests.push({ who, request });
    return answer(request);
  },
});
const dir = scratch("anatomy");
try {
  const setup = docsortSetup(dir.root, server.url, {});
  const docs = writeSyntheticDocuments(setup.inbox, 2, { first: 7 });
  for (const doc of docs) {
    // not execFileSync: the emulator answers from this very process
    const args = docsortArgs(setup, "classify", "--dry-run", path.join(setup.inbox, doc.name));
    const run = await runMeasured(process.execPath, args, { env: setup.env });
    if (run.code !== 0) throw new Error(`docsort classify failed: ${run.stderr}`);
  }
  who = "naive";
  buildNaive();
  await runNaive(dir.root, setup.inbox, [server.url], 1, TAXONOMY);

  for (const name of ["docsort", "naive"]) {
    const [first, second] = requests.filter((r) => r.who === name).map((r) => r.request);
    if (!first || !second) throw new Error(`${name}: two requests expected`);
    const a = promptTokens(first.messages);
    const b = promptTokens(second.messages);
    const shared = commonPrefix(a, b);
    const calls = server.calls.filter((_, i) => requests[i]?.who === name);
    console.log(`\n${name}: ${a.length} and ${b.length} prompt tokens`);
    for (const message of second.messages) {
      console.log(
        `  ${message.role.padEnd(9)} ${String(encodeText(message.content).length).padStart(5)} tokens`,
      );
    }
    console.log(
      `  the second document shares ${shared} tokens with the first; evaluated: ${b.length - shared}`,
    );
    console.log(
      `  the prompts part at: …${JSON.stringify(decodeTokens(b.slice(Math.max(0, shared - 12), shared)))}`,
    );
    console.log(`                then: ${JSON.stringify(decodeTokens(b.slice(shared, shared + 12)))}…`);
    console.log(
      `  emulator: ${calls.map((c) => `${c.evaluatedTokens} evaluated + ${c.cachedTokens} cached, ${c.outputTokens} generated`).join("; ")}`,
    );
  }
} finally {
  await server.close();
  dir.cleanup();
}

import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatThread } from "../../src/classify/chat-thread/chat-thread.js";
import { fromWireError, toWireError } from "../../src/classify/chat-thread/protocol.js";
import { HumanMessage, SystemMessage } from "../../src/classify/langchain.js";
import { type OllamaServer, startOllamaServer } from "../support/ollama-server.js";
import { runScript } from "../support/run-script.js";
import { until } from "../support/until.js";

let server: OllamaServer;
let thread: ChatThread;

beforeAll(async () => {
  server = await startOllamaServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  server.reset();
  thread = new ChatThread();
  await thread.start();
});
afterEach(async () => {
  await thread.close();
});

const settings = () => ({
  host: server.url,
  name: "llama3.2",
  numCtx: 4096,
  numPredict: 256,
  temperature: 0,
  keepAlive: "5m",
});
const format = JSON.stringify({
  type: "object",
  properties: { category: { type: "string" } },
  required: ["category"],
});
const messages = [new SystemMessage("Sort documents."), new HumanMessage("Invoice No. 17")];
const never = () => new AbortController().signal;

describe("ChatThread", () => {
  it("sends the messages, settings and format from its thread and answers with Ollama's counters", async () => {
    server.enqueue({ kind: "json", value: { category: "invoice" }, promptEvalCount: 321, evalCount: 25 });
    const answer = await thread.invoke(settings(), messages, format, never());
    expect(JSON.parse(answer.content)).toEqual({ category: "invoice" });
    expect(answer).toMatchObject({ inputTokens: 321, outputTokens: 25, doneReason: "stop" });
    const [request] = server.requests;
    expect(request?.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "Sort documents."],
      ["user", "Invoice No. 17"],
    ]);
    expect(request?.format).toEqual(JSON.parse(format));
    expect(request?.options).toMatchObject({ num_ctx: 4096, num_predict: 256, temperature: 0 });
    expect(request?.keep_alive).toBe("5m");
  });

  it("an abort rejects at once with the signal's reason and closes the request's connection", async () => {
    server.script(() => ({ kind: "hang" }));
    const controller = new AbortController();
    const answer = thread.invoke(settings(), messages, format, controller.signal).catch((e: unknown) => e);
    await server.waitForRequests(1, 30_000);
    controller.abort(new DOMException("the deadline of 300 ms passed", "TimeoutError"));
    expect(await answer).toMatchObject({ name: "TimeoutError" });
    await server.waitForIdle(30_000);
    expect(server.requests[0]?.aborted).toBe(true);
  });

  it("a request whose thread ends rejects, and the next request is answered here", async () => {
    server.script(() => ({ kind: "hang" }));
    const lost = thread.invoke(settings(), messages, format, never()).catch((e: unknown) => e);
    await server.waitForRequests(1, 30_000);
    await thread.close();
    expect(String(await lost)).toContain("the model request thread ended");
    expect(thread.takesRequests).toBe(false);

    server.reset();
    server.enqueue({ kind: "json", value: { category: "receipt" } });
    const answer = await thread.invoke(settings(), messages, format, never());
    expect(JSON.parse(answer.content)).toEqual({ category: "receipt" });
  });

  it("in use, requests run here until the first answer, then on a thread started after it", async () => {
    await thread.close();
    const daemon = new ChatThread();
    daemon.use();
    try {
      server.script(() => ({ kind: "json", value: { category: "invoice" } }));
      expect(daemon.takesRequests).toBe(false);
      await daemon.invoke(settings(), messages, format, never());
      await until(() => daemon.takesRequests, "the thread to take the requests", 60_000);
      const answer = await daemon.invoke(settings(), messages, format, never());
      expect(JSON.parse(answer.content)).toEqual({ category: "invoice" });
      expect(server.requests).toHaveLength(2);
    } finally {
      await daemon.close();
    }
  });

  it("an error crosses from the thread with its name, message, status_code and the codes of its causes", async () => {
    server.enqueue({ kind: "error", status: 500, message: "llama runner process has terminated" });
    const error = await thread.invoke(settings(), messages, format, never()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status_code: 500 });
    expect((error as Error).message).toContain("llama runner process has terminated");

    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const wire = toWireError(new TypeError("fetch failed", { cause: refused }));
    const back = fromWireError(structuredClone(wire));
    expect(back).toMatchObject({ name: "TypeError", message: "fetch failed" });
    expect(back.cause).toMatchObject({ message: "connect ECONNREFUSED 127.0.0.1:9", code: "ECONNREFUSED" });
  });
});

describe("ChatThread in a process of its own", () => {
  it("never keeps the process alive: one that started the thread, or had an answer and then started it, ends by itself", async () => {
    server.enqueue({ kind: "json", value: { category: "invoice" } });
    const module = JSON.stringify(
      pathToFileURL(path.resolve("src/classify/chat-thread/chat-thread.ts")).href,
    );
    const langchain = JSON.stringify(pathToFileURL(path.resolve("src/classify/langchain.ts")).href);
    // an idle thread holds nothing open: the interval keeps the script alive until the thread is ready
    const started = `
      const { chatThread } = await import(${module});
      const keep = setInterval(() => {}, 1000);
      await chatThread.start();
      clearInterval(keep);
      console.log("ready");`;
    const answered = `
      const { chatThread } = await import(${module});
      const { HumanMessage } = await import(${langchain});
      chatThread.use();
      const answer = await chatThread.invoke(${JSON.stringify(settings())}, [new HumanMessage("x")],
        ${JSON.stringify(format)}, new AbortController().signal);
      console.log(answer.content);`;
    for (const [script, printed] of [
      [started, "ready"],
      [answered, '{"category":"invoice"}'],
    ] as const) {
      const run = await runScript(script, 60_000);
      expect(run).toMatchObject({ code: 0, stdout: printed });
    }
  });
});

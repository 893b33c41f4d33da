/**
 * One loaded model answering chat requests one at a time, like an Ollama server with OLLAMA_NUM_PARALLEL=1:
 * a request waits for the slot, the context is recreated when num_ctx changes (Ollama reloads the model then),
 * tokens are produced one by one under the request's grammar, and an aborted request stops generating at once
 * and gives the slot back.
 */
import {
  type Llama,
  type LlamaContext,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import type { ChatMessage } from "../ollama-protocol.js";
import { ChatPrompt } from "./chat-prompt.js";

export type { LlamaGrammar, LlamaModel } from "node-llama-cpp";

/** The `options` of a chat request that the engine honours, with Ollama's defaults filled in. */
export interface SamplingOptions {
  numCtx: number;
  /** -1: until the context is full. */
  numPredict: number;
  numKeep: number | undefined;
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  seed: number | undefined;
  stop: string[];
}

export interface GenerationRequest {
  messages: ChatMessage[];
  grammar: LlamaGrammar | undefined;
  options: SamplingOptions;
  /** Aborted when the client goes away: generation stops and the slot is freed. */
  signal: AbortSignal;
  /** Text as it is produced, in pieces that never split a UTF-8 character. */
  onText: (piece: string) => void;
}

export interface GenerationResult {
  content: string;
  doneReason: "stop" | "length";
  promptEvalCount: number;
  /** Tokens of the rendered prompt before Ollama-style truncation. */
  renderedPromptTokens: number;
  evalCount: number;
  loadNs: number;
  promptEvalNs: number;
  evalNs: number;
  aborted: boolean;
}

export const OLLAMA_DEFAULTS = {
  numCtx: 4096,
  numPredict: -1,
  temperature: 0.8,
  topK: 40,
  topP: 0.9,
  minP: 0,
} as const;

export class GenerationEngine {
  readonly prompt: ChatPrompt;
  private context: LlamaContext | undefined;
  private slot: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
  ) {
    this.prompt = new ChatPrompt(model);
  }

  /** True while a request holds the slot. */
  get isBusy(): boolean {
    return this.busy;
  }

  /** Context size of the loaded context, or undefined before the first request. */
  get contextSize(): number | undefined {
    return this.context?.contextSize;
  }

  /** Waits for the slot, then generates. Resolves `aborted: true` when the signal fired first. */
  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const release = await this.acquire();
    try {
      if (request.signal.aborted) return emptyResult(true);
      return await this.generateNow(request);
    } finally {
      release();
    }
  }

  /** Resolves once the requests that hold or wait for the slot are done. */
  async whenIdle(): Promise<void> {
    const release = await this.acquire();
    release();
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    this.context = undefined;
  }

  private acquire(): Promise<() => void> {
    const previous = this.slot;
    let release = (): void => {};
    this.slot = new Promise<void>((resolve) => {
      release = () => {
        this.busy = false;
        resolve();
      };
    });
    return previous.then(() => {
      this.busy = true;
      return release;
    });
  }

  private async contextFor(numCtx: number): Promise<{ context: LlamaContext; loadNs: number }> {
    const started = process.hrtime.bigint();
    if (this.context?.contextSize !== numCtx) {
      await this.context?.dispose();
      this.context = await this.model.createContext({ contextSize: numCtx, threads: 1, sequences: 1 });
    }
    return { context: this.context, loadNs: Number(process.hrtime.bigint() - started) };
  }

  private async generateNow(request: GenerationRequest): Promise<GenerationResult> {
    const { options, signal } = request;
    const { context, loadNs } = await this.contextFor(options.numCtx);
    const fitted = this.prompt.fit(request.messages, options.numCtx, options.numKeep);
    const sequence = context.getSequence();
    const grammarEvaluationState = request.grammar
      ? new LlamaGrammarEvaluationState({ model: this.model, grammar: request.grammar })
      : undefined;
    const room = options.numCtx - fitted.tokens.length;
    const limit = options.numPredict < 0 ? room : Math.min(options.numPredict, room);
    const generated: Token[] = [];
    let content = "";
    let doneReason: GenerationResult["doneReason"] = "stop";
    const started = process.hrtime.bigint();
    let firstTokenAt: bigint | undefined;
    try {
      const tokens = sequence.evaluate(fitted.tokens, {
        temperature: options.temperature,
        topK: options.topK,
        topP: options.topP,
        minP: options.minP,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
      });
      for await (const token of tokens) {
        firstTokenAt ??= process.hrtime.bigint();
        if (signal.aborted) break;
        generated.push(token);
        const text = this.model.detokenize(generated);
        const stopAt = firstStop(text, options.stop);
        const visible = stopAt === undefined ? text : text.slice(0, stopAt);
        if (!visible.endsWith("\uFFFD") && visible.length > content.length) {
          request.onText(visible.slice(content.length));
          content = visible;
        }
        if (stopAt !== undefined) break;
        if (generated.length >= limit) {
          doneReason = "length";
          break;
        }
      }
    } finally {
      sequence.dispose();
    }
    const ended = process.hrtime.bigint();
    const firstAt = firstTokenAt ?? ended;
    return {
      content,
      doneReason,
      promptEvalCount: fitted.tokens.length,
      renderedPromptTokens: fitted.renderedCount,
      evalCount: generated.length,
      loadNs,
      promptEvalNs: Number(firstAt - started),
      evalNs: Number(ended - firstAt),
      aborted: signal.aborted,
    };
  }
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  const hits = stops
    .filter((s) => s !== "")
    .map((s) => text.indexOf(s))
    .filter((i) => i >= 0);
  return hits.length > 0 ? Math.min(...hits) : undefined;
}

function emptyResult(aborted: boolean): GenerationResult {
  return {
    content: "",
    doneReason: "stop",
    promptEvalCount: 0,
    renderedPromptTokens: 0,
    evalCount: 0,
    loadNs: 0,
    promptEvalNs: 0,
    evalNs: 0,
    aborted,
  };
}

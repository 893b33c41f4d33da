import path from "node:path";
import type { DocumentClassifier } from "./classify/document-classifier.js";
import { checkModelHealth } from "./classify/ollama-health.js";
import { type ConfigOverrides, loadConfig } from "./config/load-config.js";
import type { Config } from "./config/schema.js";
import type { Extractor } from "./extract/index.js";
import { createLogger, type Logger } from "./log/logger.js";
import type { PipelineContext } from "./pipeline/context.js";
import { ModelGate } from "./pipeline/model-gate.js";
import { BlobStore } from "./store/blob-store.js";
import { Store } from "./store/store.js";

export interface GlobalOptions extends ConfigOverrides {
  verbose?: boolean;
}

/** The composition root: configuration is read once here, and every part is built from it. */
export class App {
  private opened: Store | undefined;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
  ) {}

  /** Opened on first use, so commands that store nothing (classify --dry-run) never create a database. */
  get store(): Store {
    this.opened ??= Store.open(this.config.home);
    return this.opened;
  }

  static open(options: GlobalOptions, consoleLog = true): App {
    const config = loadConfig(options);
    const logger = createLogger({
      file: path.join(config.home, "logs", "docsort.log"),
      level: options.verbose ? "debug" : config.log.level,
      console: consoleLog,
    });
    return new App(config, logger);
  }

  /** Heavy parts (pdf.js, OCR, LangChain) are imported on first use, so reading commands start fast. */
  async createExtractor(): Promise<Extractor> {
    const { createExtractor } = await import("./extract/index.js");
    return createExtractor(this.config.extract, {
      log: (level, message, data) => this.logger[level](message, data),
    });
  }

  async createClassifier(): Promise<DocumentClassifier> {
    const [{ LlmClassifier }, { LlmDocumentClassifier }, { loadPromptTemplate }] = await Promise.all([
      import("./classify/llm-classifier.js"),
      import("./classify/llm-document-classifier.js"),
      import("./classify/prompt-template.js"),
    ]);
    const llm = new LlmClassifier({
      model: this.config.model,
      categories: this.config.taxonomy,
      prompt: loadPromptTemplate(this.config.prompts, "classify"),
      onRetry: (error, attempt) =>
        this.logger.warn(`model call failed (attempt ${attempt}): ${error.message}; retrying`),
    });
    return new LlmDocumentClassifier(llm);
  }

  createGate(onOpen: () => void): ModelGate {
    return new ModelGate({ probe: () => checkModelHealth(this.config.model), logger: this.logger, onOpen });
  }

  async pipelineContext(owner: string, extractor: Extractor, gate: ModelGate): Promise<PipelineContext> {
    return {
      config: this.config,
      store: this.store,
      extractor,
      classifier: await this.createClassifier(),
      blobs: new BlobStore(path.join(this.config.home, "blobs")),
      gate,
      logger: this.logger,
      owner,
    };
  }

  close(): void {
    this.opened?.close();
  }
}

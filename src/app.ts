import { existsSync } from "node:fs";
import path from "node:path";
import { recordServerContact } from "./classify/builtin/fallback-policy.js";
import { describeBreakerChange } from "./classify/circuit-breaker.js";
import type { DocumentClassifier } from "./classify/document-classifier.js";
import { checkAnyHost } from "./classify/hosts/hosts-health.js";
import { ModelHosts } from "./classify/hosts/model-hosts.js";
import {
  createTokenCalibration,
  type KeyValue,
  type TokenCalibration,
} from "./classify/token-calibration.js";
import { type ConfigOverrides, loadConfig } from "./config/load-config.js";
import type { Config } from "./config/schema.js";
import type { Extractor } from "./extract/index.js";
import type { HandlerServices } from "./handlers/handler-kind.js";
import type { OutboxWorker } from "./handlers/outbox-worker.js";
import type { TakenMessage } from "./intake/mail/folder-context.js";
import type { MailIntake } from "./intake/mail/mail-intake.js";
import type { InvoiceFieldExtractor } from "./invoices/invoice-field-extractor.js";
import { createLogger, type LineSink, type Logger } from "./log/logger.js";
import type { PipelineContext } from "./pipeline/context.js";
import { ModelGate } from "./pipeline/model-gate.js";
import { BlobStore } from "./store/blob-store.js";
import { nowIso } from "./store/clock.js";
import { requireData } from "./store/data-folder.js";
import type { HandlerRunRecord } from "./store/handler-runs-repo.js";
import type { StorageGuard } from "./store/storage-guard.js";
import { databasePath, Store } from "./store/store.js";

/**
 * What a command may do with the data folder: `create` it (watch, classify, handlers add), use an `existing` one
 * only (every command that reads or changes documents: a mistyped --home is an error, never a new empty folder), or
 * `none`: it stores nothing (extract, eval, classify --dry-run), so it creates nothing either.
 */
export type DataAccess = "create" | "existing" | "none";

export interface GlobalOptions extends ConfigOverrides {
  verbose?: boolean;
  /** Where warnings and errors are printed (default process.stderr). */
  stderr?: LineSink | undefined;
}

/** The composition root: configuration is read once here, and every part is built from it. */
export class App {
  private opened: Store | undefined;
  private hosts: ModelHosts | undefined;
  private calibration: TokenCalibration | undefined;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    private readonly access: DataAccess,
  ) {}

  /** Opened on first use, so commands that store nothing (classify --dry-run) never create a database. */
  get store(): Store {
    if (!this.opened && this.access !== "create") requireData(this.config.home);
    this.opened ??= Store.open(this.config.home);
    return this.opened;
  }

  /** The store if the database exists already; never creates one. */
  existingStore(): Store | undefined {
    if (this.opened) return this.opened;
    return existsSync(databasePath(this.config.home)) ? this.store : undefined;
  }

  /** The meta table for what is learned on the way (token calibration), without creating a database for it. */
  private storedMeta(): KeyValue {
    const memory = new Map<string, string>();
    return {
      get: (key) => this.existingStore()?.meta.get(key) ?? memory.get(key),
      set: (key, value) => {
        const store = this.existingStore();
        if (store) store.meta.set(key, value);
        else memory.set(key, value);
      },
    };
  }

  /**
   * Loads the configuration and opens the log; `precondition` runs on the configuration before anything is
   * created (the data folder, its log), and throws to stop there.
   */
  static open(
    options: GlobalOptions,
    consoleLog = true,
    access: DataAccess = "create",
    precondition?: (config: Config) => void,
  ): App {
    const config = loadConfig(options);
    precondition?.(config);
    if (access === "existing") requireData(config.home);
    const logger = createLogger({
      file:
        access === "none" && !existsSync(config.home)
          ? undefined
          : path.join(config.home, "logs", "docsort.log"),
      level: options.verbose ? "debug" : config.log.level,
      console: consoleLog,
      stderr: options.stderr,
    });
    return new App(config, logger, access);
  }

  /** Attachments and archive members, by content hash, under the data folder. */
  blobs(): BlobStore {
    return new BlobStore(path.join(this.config.home, "blobs"));
  }

  /** The model hosts, each with its circuit breaker, shared by classification and the invoice workflow. */
  get modelHosts(): ModelHosts {
    const { reliability, model } = this.config;
    this.hosts ??= new ModelHosts({
      hosts: model.hosts,
      breakerFailures: reliability.breakerFailures,
      breakerOpenMs: reliability.breakerOpenMs,
      breakerMaxOpenMs: reliability.breakerMaxOpenMs,
      onStateChange: (change) => this.logger.warn(describeBreakerChange(change)),
    });
    return this.hosts;
  }

  /** What Ollama's prompt counts taught about the token estimate, one for classification and the invoice workflow. */
  private get tokenCalibration(): TokenCalibration {
    this.calibration ??= createTokenCalibration(this.storedMeta());
    return this.calibration;
  }

  /** Heavy parts (pdf.js, OCR, LangChain) are imported on first use, so reading commands start fast. */
  async createExtractor(): Promise<Extractor> {
    const { createExtractor } = await import("./extract/extractor.js");
    return createExtractor(this.config.extract, {
      log: (level, message, data) => this.logger[level](message, data),
    });
  }

  async createClassifier(): Promise<DocumentClassifier> {
    const [
      { LlmClassifier },
      { LlmDocumentClassifier },
      { loadPromptTemplate },
      { buildCascade, exampleFinder },
      { examplePolicy },
    ] = await Promise.all([
      import("./classify/llm-classifier.js"),
      import("./classify/llm-document-classifier.js"),
      import("./classify/prompt-template.js"),
      import("./classify/build-cascade.js"),
      import("./classify/example-selection.js"),
    ]);
    const llm = new LlmClassifier({
      model: this.config.model,
      categories: this.config.taxonomy,
      prompt: loadPromptTemplate(this.config.prompts, "classify"),
      calibration: this.tokenCalibration,
      onRetry: (error, attempt) =>
        this.logger.warn(`model call failed (attempt ${attempt}): ${error.message}; retrying`),
      hosts: this.modelHosts,
      budget: {
        firstPassTokens: this.config.tokens.firstPass,
        escalateBelow: this.config.review.minConfidence,
      },
    });
    const store = () => this.existingStore();
    const withExamples = new LlmDocumentClassifier(
      llm,
      exampleFinder(store, this.config.learning.examples),
      examplePolicy(this.config),
    );
    return buildCascade(this.config, store, withExamples);
  }

  createGate(onOpen: () => void): ModelGate {
    const probe = async () => {
      const health = await checkAnyHost(this.config.model, (url) => this.modelHosts.markReachable(url));
      try {
        recordServerContact(this.store.meta, health, nowIso());
      } catch (error) {
        this.logger.debug(`cannot record the model server contact: ${(error as Error).message}`);
      }
      return health;
    };
    return new ModelGate({ probe, logger: this.logger, onOpen });
  }

  pipelineContext(
    owner: string,
    extractor: Extractor,
    gate: ModelGate,
    classifier: DocumentClassifier,
  ): PipelineContext {
    return {
      config: this.config,
      store: this.store,
      extractor,
      classifier,
      blobs: this.blobs(),
      gate,
      logger: this.logger,
      owner,
      opensAttachments: (document) => !this.store.mailMessages.keptWhole(document.id),
    };
  }

  /** The mail source (`mail.accounts`); `store` defaults to the app's own. IMAP is loaded only here. */
  async createMailIntake(
    onTaken?: (taken: TakenMessage) => void,
    store: Store = this.store,
  ): Promise<MailIntake> {
    const { MailIntake } = await import("./intake/mail/mail-intake.js");
    return new MailIntake({
      config: this.config,
      store,
      blobs: new BlobStore(path.join(this.config.home, "blobs")),
      logger: this.logger,
      ...(onTaken ? { onTaken } : {}),
    });
  }

  /** What handlers use: the store, the config, the logger and (built on first use) the invoice model client. */
  handlerServices(): HandlerServices {
    let extractor: Promise<InvoiceFieldExtractor> | undefined;
    return {
      store: this.store,
      config: this.config,
      logger: this.logger,
      invoiceExtractor: () => {
        extractor ??= this.createInvoiceExtractor();
        return extractor;
      },
    };
  }

  async createInvoiceExtractor(): Promise<InvoiceFieldExtractor> {
    const [{ LlmInvoiceExtractor }, { loadPromptTemplate, taxonomyValues }] = await Promise.all([
      import("./invoices/llm-invoice-extractor.js"),
      import("./classify/prompt-template.js"),
    ]);
    return new LlmInvoiceExtractor({
      model: this.config.model,
      // the same taxonomy as the classification prompt: both start with the same system message, which Ollama's
      // prefix cache then keeps for either
      prompt: loadPromptTemplate(this.config.prompts, "invoice", taxonomyValues(this.config.taxonomy)),
      calibration: this.tokenCalibration,
      numPredict: this.config.invoices.numPredict,
      onRetry: (error, attempt) =>
        this.logger.warn(`invoice model call failed (attempt ${attempt}): ${error.message}; retrying`),
      hosts: this.modelHosts,
    });
  }

  /**
   * The outbox consumer; with `documentIds`, only the runs of those documents (what a CLI command created). The
   * handler kinds are loaded only here, so reading commands start without them.
   */
  async createOutboxWorker(
    owner: string,
    options: {
      documentIds?: readonly number[];
      onFinished?: (run: HandlerRunRecord) => void;
      storage?: StorageGuard;
    } = {},
  ): Promise<OutboxWorker> {
    const [{ OutboxWorker }, { createHandlerRegistry }] = await Promise.all([
      import("./handlers/outbox-worker.js"),
      import("./handlers/index.js"),
    ]);
    return new OutboxWorker({
      services: this.handlerServices(),
      registry: createHandlerRegistry(),
      owner,
      ...options,
    });
  }

  close(): void {
    this.opened?.close();
  }
}

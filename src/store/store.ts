import { ClassificationsRepo } from "./classifications-repo.js";
import { nowIso } from "./clock.js";
import { openDataFolder } from "./data-folder.js";
import type { Db } from "./database.js";
import type { DocumentStatus } from "./document-status.js";
import { type DocumentPatch, type DocumentRecord, DocumentsRepo, type Lane } from "./documents-repo.js";
import { EventsRepo } from "./events-repo.js";
import { ExtractionsRepo } from "./extractions-repo.js";
import { FilesRepo } from "./files-repo.js";
import { HandlerRunsRepo } from "./handler-runs-repo.js";
import { HandlersRepo } from "./handlers-repo.js";
import { InstancesRepo } from "./instances-repo.js";
import { InvoicesRepo } from "./invoices-repo.js";
import { MailFoldersRepo } from "./mail-folders-repo.js";
import { MailMessagesRepo } from "./mail-messages-repo.js";
import { MetaRepo } from "./meta-repo.js";
import { ScratchRepo } from "./scratch-repo.js";

export interface Transition {
  to: DocumentStatus;
  /** Event type; defaults to the target status. */
  event?: string;
  reason?: string | null;
  message?: string | null;
  data?: Record<string, unknown>;
  patch?: Omit<DocumentPatch, "status">;
}

/** The one owner of better-sqlite3: repositories per table plus the transactions that span them. */
export class Store {
  readonly documents: DocumentsRepo;
  readonly files: FilesRepo;
  readonly extractions: ExtractionsRepo;
  readonly classifications: ClassificationsRepo;
  readonly events: EventsRepo;
  readonly instances: InstancesRepo;
  readonly meta: MetaRepo;
  readonly handlers: HandlersRepo;
  readonly handlerRuns: HandlerRunsRepo;
  readonly invoices: InvoicesRepo;
  readonly mailFolders: MailFoldersRepo;
  readonly mailMessages: MailMessagesRepo;
  readonly scratch: ScratchRepo;

  constructor(readonly db: Db) {
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
    this.documents = new DocumentsRepo(db);
    this.files = new FilesRepo(db);
    this.extractions = new ExtractionsRepo(db);
    this.classifications = new ClassificationsRepo(db);
    this.events = new EventsRepo(db);
    this.instances = new InstancesRepo(db);
    this.meta = new MetaRepo(db);
    this.handlers = new HandlersRepo(db);
    this.handlerRuns = new HandlerRunsRepo(db);
    this.invoices = new InvoicesRepo(db);
    this.mailFolders = new MailFoldersRepo(db);
    this.mailMessages = new MailMessagesRepo(db);
    this.scratch = new ScratchRepo(db);
  }

  /** The data folder's database; refuses (DataFolderError) when a database it held is gone. */
  static open(home: string, options: { startOver?: boolean } = {}): Store {
    return new Store(openDataFolder(home, options));
  }

  /** Runs `fn` in an IMMEDIATE transaction: it either commits whole or not at all. Nested: a savepoint. */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction.immediate(fn) as T;
  }

  /** One better-sqlite3 transaction function for all: making one per call costs more than a small commit. */
  private readonly runInTransaction;

  /** Changes a document's status and records the event, in one committed transaction. */
  transition(id: number, change: Transition): DocumentRecord {
    return this.transaction(() => {
      const now = nowIso();
      const before = this.documents.get(id);
      if (!before) throw new Error(`document ${id} does not exist`);
      this.documents.update(id, { ...change.patch, status: change.to, reason: change.reason ?? null }, now);
      this.events.add(
        {
          documentId: id,
          type: change.event ?? change.to,
          fromStatus: before.status,
          toStatus: change.to,
          message: change.message ?? change.reason ?? null,
          data: change.data ?? null,
        },
        now,
      );
      const after = this.documents.get(id);
      if (!after) throw new Error(`document ${id} vanished`);
      return after;
    });
  }

  /**
   * The next due document of `lane` without text, claimed by `owner` and moved to `extracting` with one more attempt
   * counted, and its event written: one transaction, committed before the extraction starts.
   */
  claimForExtraction(owner: string, lane: Lane): DocumentRecord | undefined {
    return this.transaction(() => {
      const now = nowIso();
      const document = this.documents.claimForExtraction(owner, now, lane);
      if (document) {
        this.events.add(
          { documentId: document.id, type: "extracting", fromStatus: "queued", toStatus: "extracting" },
          now,
        );
      }
      return document;
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { databasePath } from "./data-folder.js";

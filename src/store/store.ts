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
  // Repositories are made on first use: each prepares its statements when made, which a command that reads one
  // table (list, show, invoices list) should not pay for every table.
  private documentsRepo: DocumentsRepo | undefined;
  private filesRepo: FilesRepo | undefined;
  private extractionsRepo: ExtractionsRepo | undefined;
  private classificationsRepo: ClassificationsRepo | undefined;
  private eventsRepo: EventsRepo | undefined;
  private instancesRepo: InstancesRepo | undefined;
  private metaRepo: MetaRepo | undefined;
  private handlersRepo: HandlersRepo | undefined;
  private handlerRunsRepo: HandlerRunsRepo | undefined;
  private invoicesRepo: InvoicesRepo | undefined;
  private mailFoldersRepo: MailFoldersRepo | undefined;
  private mailMessagesRepo: MailMessagesRepo | undefined;
  private scratchRepo: ScratchRepo | undefined;

  constructor(readonly db: Db) {
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
  }

  get documents(): DocumentsRepo {
    this.documentsRepo ??= new DocumentsRepo(this.db);
    return this.documentsRepo;
  }
  get files(): FilesRepo {
    this.filesRepo ??= new FilesRepo(this.db);
    return this.filesRepo;
  }
  get extractions(): ExtractionsRepo {
    this.extractionsRepo ??= new ExtractionsRepo(this.db);
    return this.extractionsRepo;
  }
  get classifications(): ClassificationsRepo {
    this.classificationsRepo ??= new ClassificationsRepo(this.db);
    return this.classificationsRepo;
  }
  get events(): EventsRepo {
    this.eventsRepo ??= new EventsRepo(this.db);
    return this.eventsRepo;
  }
  get instances(): InstancesRepo {
    this.instancesRepo ??= new InstancesRepo(this.db);
    return this.instancesRepo;
  }
  get meta(): MetaRepo {
    this.metaRepo ??= new MetaRepo(this.db);
    return this.metaRepo;
  }
  get handlers(): HandlersRepo {
    this.handlersRepo ??= new HandlersRepo(this.db);
    return this.handlersRepo;
  }
  get handlerRuns(): HandlerRunsRepo {
    this.handlerRunsRepo ??= new HandlerRunsRepo(this.db);
    return this.handlerRunsRepo;
  }
  get invoices(): InvoicesRepo {
    this.invoicesRepo ??= new InvoicesRepo(this.db);
    return this.invoicesRepo;
  }
  get mailFolders(): MailFoldersRepo {
    this.mailFoldersRepo ??= new MailFoldersRepo(this.db);
    return this.mailFoldersRepo;
  }
  get mailMessages(): MailMessagesRepo {
    this.mailMessagesRepo ??= new MailMessagesRepo(this.db);
    return this.mailMessagesRepo;
  }
  get scratch(): ScratchRepo {
    this.scratchRepo ??= new ScratchRepo(this.db);
    return this.scratchRepo;
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
      const after = this.documents.update(
        id,
        { ...change.patch, status: change.to, reason: change.reason ?? null },
        now,
      );
      if (!after) throw new Error(`document ${id} vanished`);
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

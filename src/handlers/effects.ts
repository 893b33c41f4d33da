import type { LedgerEntry, LedgerResult } from "../invoices/ledger.js";

export interface PlaceFileRequest {
  documentId: number;
  /** The file to file: the document's path, or its blob for an attachment. */
  source: string;
  /** The content hash the result must have. */
  sha256: string;
  root: string;
  /** Below root, already sanitised. */
  relativePath: string;
  mode: "copy" | "move";
  /** Record the document's new location in the store (a move of a file of its own). */
  relocate: boolean;
  /** Owner-only files and folders: the invoice archive inside the data folder. */
  private?: boolean;
  /** The inbox: a source below it must not lead out of it through a symbolic link. */
  sourceRoot?: string;
}

export interface PlacedFile {
  path: string;
  /** The same content was already there (a repeated attempt): nothing was written. */
  reused: boolean;
  /** How a move went: a rename on the same filesystem, or copy + fsync + verify + remove across filesystems. */
  method: "link" | "copy" | "existing" | "dry-run";
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CommandRequest {
  command: string;
  args: readonly string[];
  stdin: string;
  env: Record<string, string>;
  cwd: string | undefined;
  timeoutMs: number;
  maxOutputChars: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * The only way a handler touches the world. The live implementation acts; the dry-run one (`handlers test`)
 * records what it would do and answers as if it had worked, so both run the same handler code.
 */
export interface Effects {
  readonly dryRun: boolean;
  /** One line per effect: done (live) or that would be done (dry run). */
  readonly journal: string[];
  placeFile(request: PlaceFileRequest): Promise<PlacedFile>;
  httpPost(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse>;
  runCommand(request: CommandRequest, signal: AbortSignal): Promise<CommandResult>;
  recordInvoice(entry: LedgerEntry): LedgerResult;
}

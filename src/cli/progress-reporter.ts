import path from "node:path";
import pc from "picocolors";
import type { RegisterOutcome } from "../intake/register-file.js";
import type { ClassificationRecord } from "../store/classifications-repo.js";
import { DOCUMENT_STATUSES } from "../store/document-status.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import { formatConfidence, formatMs, shown } from "./output/print.js";
import { type Terminal, terminal } from "./output/terminal.js";

const STATUS_COLOUR: Record<string, (text: string) => string> = {
  done: pc.green,
  needs_review: pc.yellow,
  failed: pc.red,
  quarantined: pc.red,
  duplicate: pc.dim,
};

/**
 * What `docsort watch` shows: one line per document on stdout (file names escaped); on a terminal, one status line
 * below them with the counts by state (cut to the terminal's width, redrawn in place); log lines go above it.
 */
export class ProgressReporter {
  constructor(
    private readonly inbox: string,
    private readonly term: Terminal = terminal(),
  ) {}

  registered(outcome: RegisterOutcome): void {
    if (outcome.kind === "duplicate") {
      const { document, original } = outcome;
      this.line(`#${document.id} ${colour("duplicate")} of #${original.id}  ${this.display(document.path)}`);
    } else if (outcome.kind === "renamed") {
      this.line(
        `#${outcome.document.id} renamed  ${this.display(outcome.from)} → ${this.display(outcome.document.path)}`,
      );
    }
  }

  finished(
    document: DocumentRecord,
    classification: ClassificationRecord | undefined,
    elapsedMs: number,
  ): void {
    const parts = [`#${document.id}`, colour(document.status)];
    if (classification)
      parts.push(classification.category, formatConfidence(classification.confidence), classification.source);
    parts.push(this.display(document.path), formatMs(elapsedMs));
    if (document.reason) parts.push(pc.dim(`(${shown(document.reason)})`));
    this.line(parts.join("  "));
  }

  /** Counts by status (and why documents wait, if they do), on the live line. */
  status(counts: Record<string, number>, note?: string): void {
    this.term.status(statusLine(counts, note));
  }

  line(text: string): void {
    this.term.out(text);
  }

  clearStatus(): void {
    this.term.status(undefined);
  }

  private display(p: string): string {
    const relative = path.relative(this.inbox, p);
    return shown(relative.startsWith("..") ? p : relative);
  }
}

/** `queued 120 · extracting 2 · done 77 · waiting for the model: …` */
export function statusLine(counts: Record<string, number>, note?: string): string {
  // the pipeline's order, then the final states
  const text = DOCUMENT_STATUSES.filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => `${status} ${counts[status]}`)
    .join(" · ");
  return `${pc.dim(text || "waiting for files")}${note ? pc.yellow(` · ${shown(note)}`) : ""}`;
}

function colour(status: string): string {
  return (STATUS_COLOUR[status] ?? ((t: string) => t))(status);
}

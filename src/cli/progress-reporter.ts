import path from "node:path";
import pc from "picocolors";
import type { RegisterOutcome } from "../intake/register-file.js";
import type { ClassificationRecord } from "../store/classifications-repo.js";
import type { DocumentRecord } from "../store/documents-repo.js";
import { formatConfidence, formatMs } from "./output/print.js";

const STATUS_COLOUR: Record<string, (text: string) => string> = {
  done: pc.green,
  needs_review: pc.yellow,
  failed: pc.red,
  quarantined: pc.red,
  duplicate: pc.dim,
};

/** One line per document on stdout; on a terminal, a live status line on stderr as well. */
export class ProgressReporter {
  private statusShown = false;
  private readonly tty: boolean;

  constructor(
    private readonly inbox: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = err.isTTY === true;
  }

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
    if (document.reason) parts.push(pc.dim(`(${document.reason})`));
    this.line(parts.join("  "));
  }

  /** Counts by status, redrawn in place on a terminal. */
  status(counts: Record<string, number>, note?: string): void {
    if (!this.tty) return;
    const order = [
      "queued",
      "extracting",
      "classifying",
      "done",
      "needs_review",
      "failed",
      "quarantined",
      "duplicate",
    ];
    const text = order
      .filter((status) => (counts[status] ?? 0) > 0)
      .map((status) => `${status} ${counts[status]}`)
      .join(" · ");
    this.err.write(`\r\u001b[2K${pc.dim(text || "waiting for files")}${note ? pc.yellow(`  ${note}`) : ""}`);
    this.statusShown = true;
  }

  line(text: string): void {
    if (this.statusShown) {
      this.err.write("\r\u001b[2K");
      this.statusShown = false;
    }
    this.out.write(`${text}\n`);
  }

  clearStatus(): void {
    if (this.statusShown) this.err.write("\r\u001b[2K");
    this.statusShown = false;
  }

  private display(p: string): string {
    const relative = path.relative(this.inbox, p);
    return relative.startsWith("..") ? p : relative;
  }
}

function colour(status: string): string {
  return (STATUS_COLOUR[status] ?? ((t: string) => t))(status);
}

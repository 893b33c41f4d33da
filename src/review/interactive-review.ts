import { select } from "@inquirer/prompts";
import type { BuiltinClassifier } from "../classify/builtin/builtin-classifier.js";
import type { Config } from "../config/schema.js";
import { errorMessage } from "../errors.js";
import type { Store } from "../store/store.js";
import { acceptDocument, setCategory, undoDecision } from "./human-decisions.js";
import { keyPrompt } from "./key-prompt.js";
import { buildReviewCard, type ReviewCard } from "./review-card.js";
import { listReviewQueue } from "./review-queue.js";

export interface ReviewIo {
  print(text: string): void;
  /** Shows a document's whole text (a pager on a terminal). */
  showText(title: string, text: string): Promise<void>;
}

export interface InteractiveReviewOptions {
  store: Store;
  config: Pick<Config, "review" | "taxonomy">;
  builtin: BuiltinClassifier;
  actor: string;
  io: ReviewIo;
}

export interface ReviewSummary {
  decided: number;
  skipped: number;
  undone: number;
  /** Documents still waiting for a person when the session ended. */
  remaining: number;
  /** Documents whose decision wrote handler runs to the outbox. */
  routed: number[];
}

type Action = "accept" | "change" | "skip" | "text" | "undo" | "quit";

/**
 * The keyboard review queue. Every decision is committed the moment it is made, so quitting (q or Ctrl-C) at any
 * point loses nothing; `u` undoes this session's last decision and shows that document again.
 */
export async function runInteractiveReview(options: InteractiveReviewOptions): Promise<ReviewSummary> {
  const { store, config, io, actor } = options;
  const categories = config.taxonomy.map((c) => c.name);
  const decisions: number[] = [];
  const skipped = new Set<number>();
  const summary = { decided: 0, skipped: 0, undone: 0 };
  const routedIds = new Set<number>();
  let showFirst: number | undefined;

  const pending = () => listReviewQueue(store, config).filter((item) => !skipped.has(item.document.id));
  try {
    for (;;) {
      const queue = pending();
      const item = queue.find((i) => i.document.id === showFirst) ?? queue[0];
      showFirst = undefined;
      if (!item) {
        io.print(
          summary.decided + summary.skipped === 0 ? "Nothing to review." : "The review queue is done.",
        );
        break;
      }
      const card = buildReviewCard(store, item, options.builtin);
      io.print(renderCard(card, queue.length));
      const action = await askAction(card, decisions.length > 0);
      try {
        if (action === "quit") break;
        if (action === "skip") {
          skipped.add(card.id);
          summary.skipped += 1;
        } else if (action === "text") {
          await io.showText(
            `#${card.id} ${card.name}`,
            store.extractions.latest(card.id)?.text ?? "(no text)",
          );
          showFirst = card.id;
        } else if (action === "accept") {
          const outcome = acceptDocument(store, card.id, { actor });
          if ((outcome.route?.runs ?? 0) > 0) routedIds.add(card.id);
          decisions.push(card.id);
          summary.decided += 1;
          io.print(
            `✔ #${card.id} accepted as ${outcome.classification.category}${routed(outcome.route?.runs)}`,
          );
        } else if (action === "change") {
          const category = await askCategory(card, categories);
          const outcome = setCategory(store, card.id, category, categories, { actor });
          if ((outcome.route?.runs ?? 0) > 0) routedIds.add(card.id);
          decisions.push(card.id);
          summary.decided += 1;
          io.print(`✔ #${card.id} set to ${outcome.classification.category}${routed(outcome.route?.runs)}`);
        } else if (action === "undo") {
          const last = decisions.pop();
          if (last !== undefined) {
            const outcome = undoDecision(store, last, { actor });
            summary.undone += 1;
            summary.decided -= 1;
            skipped.delete(last);
            showFirst = last;
            io.print(`↶ #${last} undone: back to ${outcome.restored.category} (${outcome.restored.source})`);
          }
        }
      } catch (error) {
        if (isPromptExit(error)) throw error;
        io.print(`✘ #${card.id}: ${errorMessage(error)}`);
        skipped.add(card.id);
      }
    }
  } catch (error) {
    if (!isPromptExit(error)) throw error;
  }
  return { ...summary, remaining: listReviewQueue(store, config).length, routed: [...routedIds] };
}

async function askAction(card: ReviewCard, canUndo: boolean): Promise<Action> {
  const choices: { key: "a" | "c" | "s" | "t" | "u" | "q"; name: string; value: Action }[] = [];
  if (card.category) choices.push({ key: "a", name: `accept ${card.category}`, value: "accept" });
  choices.push(
    { key: "c", name: "choose another category", value: "change" },
    { key: "s", name: "skip for now", value: "skip" },
    { key: "t", name: "show the text", value: "text" },
  );
  if (canUndo) choices.push({ key: "u", name: "undo my last decision", value: "undo" });
  choices.push({ key: "q", name: "quit (decisions are saved)", value: "quit" });
  return keyPrompt({ message: `#${card.id}: decide`, choices });
}

async function askCategory(card: ReviewCard, categories: readonly string[]): Promise<string> {
  const suggested = card.alternatives.map((a) => a.category);
  const ordered = [...new Set([...suggested, ...categories])].filter((c) => categories.includes(c));
  return select({
    message: `#${card.id}: category`,
    choices: ordered.map((category) => {
      const alternative = card.alternatives.find((a) => a.category === category);
      const label = category === card.category ? `${category} (current)` : category;
      return {
        name: alternative ? `${label}  ${alternative.probability.toFixed(2)}` : label,
        value: category,
      };
    }),
  });
}

export function renderCard(card: ReviewCard, waiting: number): string {
  const lines = [
    "",
    `#${card.id}  ${card.name}${card.priority ? `  ★ invoice total ${card.amount}` : ""}   (${waiting} waiting)`,
    `  category     ${card.category ? `${card.category} ${card.confidence?.toFixed(2)} (${card.source})` : "—"}`,
  ];
  if (card.summary) lines.push(`  summary      ${card.summary}`);
  if (card.evidence) lines.push(`  evidence     "${card.evidence}"`);
  lines.push(`  why here     ${card.reason}`);
  if (card.alternatives.length > 0) {
    lines.push(
      `  alternatives ${card.alternatives.map((a) => `${a.category} ${a.probability.toFixed(2)}`).join(" · ")}`,
    );
  }
  if (card.similar.length > 0) {
    lines.push(
      `  similar      ${card.similar.map((s) => `#${s.documentId} ${s.name} (${s.category})`).join(" · ")}`,
    );
  }
  return lines.join("\n");
}

function routed(runs: number | undefined): string {
  if (runs === undefined) return "";
  return runs === 0 ? ", routed" : `, routed (${runs} handler run${runs === 1 ? "" : "s"})`;
}

/** Ctrl-C (or a closed terminal) inside a prompt: the user wants out. */
function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
